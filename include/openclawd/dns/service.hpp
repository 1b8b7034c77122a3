#pragma once
// The DNS frontend as a daemon Service, built from the config.

#include <memory>

#include "openclawd/config/config.hpp"
#include "openclawd/control/command_registry.hpp"
#include "openclawd/daemon/service.hpp"
#include "openclawd/dns/allowlist_sink.hpp"
#include "openclawd/dns/server.hpp"
#include "openclawd/dns/settings.hpp"

namespace openclawd::dns {

// /dns plus the bridge subnet (served), the VMs' addresses (VM names) and
// /network/egress/mode (allowlist feeding).
ResolverSettings settings_from_config(const config::Config& config);

// egress-pending, egress-allow, egress-deny on `server`'s decisions.
void register_egress_commands(control::CommandRegistry& commands, DnsServer& server);

class DnsService final : public daemon::Service {
 public:
  // `allowlist`: the net module's nft set adapter in allowlist mode, else null.
  // The egress decision commands are registered in `commands`.
  DnsService(boost::asio::io_context& io, ResolverSettings settings, AllowlistSink* allowlist,
             control::CommandRegistry& commands)
      : server_(io, std::move(settings), nullptr, allowlist) {
    register_egress_commands(commands, server_);
  }
  std::string_view name() const override { return "dns"; }
  Status start() override { return server_.start(); }
  void stop() override { server_.stop(); }
  nlohmann::json status() const override { return server_.status(); }

 private:
  DnsServer server_;
};

}  // namespace openclawd::dns
