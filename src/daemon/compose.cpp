#include "compose.hpp"

#include "openclawd/dns/service.hpp"

namespace openclawd::daemon {

Result<Composition> compose(DaemonContext& context) {
  Composition composition;
  // Modules are added here as they land: network (bridge, taps, firewall),
  // DNS frontend, secrets and audit, defender API, then the guest supervisor.
  if (context.config.dns.enabled) {
    // The allowlist sink is the net module's nft set adapter (egress allowlist
    // mode); until it is wired, answers are not reported (null).
    composition.services.push_back(std::make_unique<dns::DnsService>(
        context.io, dns::settings_from_config(context.config), nullptr));
  }
  return composition;
}

}  // namespace openclawd::daemon
