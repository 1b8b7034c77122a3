#include "openclawd/net/host_network.hpp"

#include <fmt/format.h>

namespace openclawd::net {

HostNetwork::HostNetwork(boost::asio::io_context& io, NetworkSettings settings,
                         std::string tap_owner, EgressLogSettings egress, LinkManager& links,
                         Firewall& firewall, Sysctls& sysctls, const DestinationNames* names)
    : io_(io),
      settings_(std::move(settings)),
      tap_owner_(std::move(tap_owner)),
      egress_(std::move(egress)),
      links_(links),
      firewall_(firewall),
      names_(names),
      forwarding_(sysctls, settings_) {}

Status HostNetwork::start() {
  auto ruleset = compile_ruleset(settings_);
  if (!ruleset) return ruleset.error();
  if (auto s = links_.ensure_bridge(settings_.bridge, settings_.address); !s) return s;
  if (auto s = firewall_.apply(*ruleset); !s) return s;
  forwarding_.apply();
  egress_.group = settings_.log_group;
  auto log = open_egress_log(io_, egress_, names_);
  if (!log) return log.error();
  log_ = std::move(*log);
  return ok_status();
}

void HostNetwork::stop() {
  forwarding_.restore();
  log_.reset();
}

const GuestLink* HostNetwork::guest(const std::string& vm) const {
  for (const auto& g : settings_.guests) {
    if (g.name == vm) return &g;
  }
  return nullptr;
}

Status HostNetwork::attach_guest(const std::string& vm) {
  const GuestLink* g = guest(vm);
  if (g == nullptr) return make_error(fmt::format("network: VM '{}' is not configured", vm));
  return links_.ensure_tap(g->tap, tap_owner_, settings_.bridge);
}

Status HostNetwork::detach_guest(const std::string& vm) {
  const GuestLink* g = guest(vm);
  if (g == nullptr) return make_error(fmt::format("network: VM '{}' is not configured", vm));
  return links_.remove(g->tap);
}

nlohmann::json HostNetwork::status() const {
  nlohmann::json out{
      {"bridge", settings_.bridge},
      {"address", settings_.address.to_string()},
      {"egress_mode", settings_.egress_mode == EgressMode::log ? "log" : "allowlist"}};
  out["forwarding"] = forwarding_.status();
  if (log_) {
    const auto c = log_->counters();
    out["egress_log"] = {{"accepted", c.accepted},   {"dropped", c.dropped},
                         {"lines", c.lines_written}, {"malformed", c.malformed},
                         {"lost", c.lost},           {"rotations", c.rotations}};
  }
  return out;
}

}  // namespace openclawd::net
