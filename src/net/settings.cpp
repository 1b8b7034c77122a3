#include "openclawd/net/settings.hpp"

#include <fmt/format.h>

namespace openclawd::net {

Result<NetworkSettings> settings_from_config(const config::Config& config,
                                             const HostServiceClients& clients) {
  NetworkSettings s;
  const auto& n = config.network;
  s.bridge = n.bridge;
  s.address = n.address;
  s.uplink = n.uplink;
  s.nat = n.nat;
  s.manage_forwarding = n.manage_forwarding;
  s.egress_mode =
      n.egress.mode == config::EgressMode::allowlist ? EgressMode::allowlist : EgressMode::log;
  s.drop_log_rate_per_s = n.egress.drop_log_rate_per_s;
  s.log_group = static_cast<std::uint16_t>(n.egress.log_group);
  for (const auto& f : n.flows) s.flows.push_back(Flow{f.from, f.to, f.proto, f.port});
  for (const auto& vm : config.vms) {
    s.guests.push_back(GuestLink{vm.name, vm.network.tap, vm.network.mac, vm.network.ip});
  }
  s.dns_ports.clear();
  if (config.dns.enabled) {
    for (const auto& listen : config.dns.listen) {
      if (listen.address == n.address.address && listen.port != 0) {
        s.dns_ports.push_back(listen.port);
      }
    }
  }
  auto on_bridge = [&](const std::optional<config::Endpoint>& listen) {
    return listen && listen->address == n.address.address && listen->port != 0;
  };
  if (config.defender.enabled && on_bridge(config.defender.listen)) {
    s.host_ports.push_back({"defender", config.defender.listen->port, clients.defender});
  }
  if (config.inference.enabled && on_bridge(config.inference.listen)) {
    s.host_ports.push_back({"inference", config.inference.listen->port, clients.inference});
  }
  return s;
}

}  // namespace openclawd::net
