#include "compose.hpp"

namespace openclawd::daemon {

Result<Composition> compose(DaemonContext& /*context*/) {
  Composition composition;
  // Modules are added here as they land: network (bridge, taps, firewall),
  // DNS frontend, secrets and audit, defender API, then the guest supervisor.
  return composition;
}

}  // namespace openclawd::daemon
