#include "openclawd/net/settings.hpp"

#include <fmt/format.h>

namespace openclawd::net {

Result<NetworkSettings> settings_from_config(const config::Config& config,
                                             std::vector<std::string> defender_clients) {
  NetworkSettings s;
  const auto& n = config.network;
  s.bridge = n.bridge;
  s.address = n.address;
  s.uplink = n.uplink;
  s.nat = n.nat;
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
  if (config.defender.enabled && config.defender.listen &&
      config.defender.listen->address == n.address.address) {
    s.defender_port = config.defender.listen->port;
    s.defender_clients = std::move(defender_clients);
  }
  return s;
}

}  // namespace openclawd::net
