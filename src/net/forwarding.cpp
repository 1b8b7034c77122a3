#include "openclawd/net/forwarding.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace openclawd::net {

std::vector<ForwardingNeed> forwarding_needs(const NetworkSettings& settings) {
  if (!settings.nat && settings.uplink.empty()) return {};
  std::vector<ForwardingNeed> needs;
  if (settings.uplink.empty()) needs.push_back({kGlobalForwardingKey, ""});
  needs.push_back({interface_forwarding_key(settings.bridge), settings.bridge});
  if (!settings.uplink.empty() && settings.uplink != settings.bridge) {
    needs.push_back({interface_forwarding_key(settings.uplink), settings.uplink});
  }
  return needs;
}

ForwardingManager::ForwardingManager(Sysctls& sysctls, NetworkSettings settings)
    : sysctls_(sysctls), settings_(std::move(settings)) {}

void ForwardingManager::apply() {
  entries_.clear();
  notes_.clear();
  for (const auto& need : forwarding_needs(settings_)) {
    ForwardingEntry entry{need.key, need.interface, "", "", false, ""};
    const auto name = sysctl_name(need.key);
    auto found = sysctls_.read(need.key);
    if (!found) {
      entry.error = need.interface.empty() || need.interface == settings_.bridge
                        ? found.error().message
                        : fmt::format("{} (does network.uplink \"{}\" exist?)",
                                      found.error().message, need.interface);
      spdlog::warn("network: IPv4 forwarding: {}; guests cannot reach beyond the host",
                   entry.error);
      entries_.push_back(std::move(entry));
      continue;
    }
    entry.found = *found;
    entry.now = *found;
    if (entry.found != "1") {
      if (!settings_.manage_forwarding) {
        spdlog::warn(
            "network: {} is {} and network.manage_forwarding is false: guests cannot reach "
            "beyond the host; set {}=1 (sysctl -w, /etc/sysctl.d or boot.kernel.sysctl on NixOS)",
            name, entry.found, name);
      } else if (auto written = sysctls_.write(need.key, "1"); !written) {
        entry.error = written.error().message;
        spdlog::warn(
            "network: cannot turn IPv4 forwarding on ({}): guests cannot reach beyond the host; "
            "set {}=1 by hand or run the daemon with CAP_NET_ADMIN and a writable /proc/sys",
            entry.error, name);
      } else {
        entry.changed = true;
        entry.now = "1";
        spdlog::info("network: set {}=1 (was {}) so guests reach beyond the host{}", name,
                     entry.found,
                     need.interface.empty() ? "; this set forwarding on every interface" : "");
      }
    }
    entries_.push_back(std::move(entry));
  }
}

std::vector<std::string> ForwardingManager::guest_taps_present() const {
  auto interfaces = sysctls_.list("net/ipv4/conf");
  std::vector<std::string> present;
  if (!interfaces) return present;
  for (const auto& guest : settings_.guests) {
    if (std::find(interfaces->begin(), interfaces->end(), guest.tap) != interfaces->end()) {
      present.push_back(guest.tap);
    }
  }
  return present;
}

std::vector<std::string> ForwardingManager::other_forwarding_interfaces() const {
  std::vector<std::string> others;
  auto interfaces = sysctls_.list("net/ipv4/conf");
  if (!interfaces) return others;
  for (const auto& name : *interfaces) {
    if (name == "all" || name == "default" || name == "lo" || name == settings_.bridge ||
        name == settings_.uplink) {
      continue;
    }
    auto value = sysctls_.read(interface_forwarding_key(name));
    if (value && *value == "1") others.push_back(name);
  }
  return others;
}

void ForwardingManager::restore() {
  notes_.clear();
  const bool changed_any = std::any_of(entries_.begin(), entries_.end(),
                                       [](const ForwardingEntry& e) { return e.changed; });
  if (!changed_any) return;
  // Guests outlive a clean stop (the next daemon adopts them): while a tap
  // exists, its guest still needs to reach out.
  if (auto taps = guest_taps_present(); !taps.empty()) {
    notes_.push_back(
        fmt::format("kept IPv4 forwarding on: guest taps {} still exist", fmt::join(taps, ", ")));
    spdlog::info("network: {}", notes_.back());
    return;
  }
  const auto others = other_forwarding_interfaces();
  for (auto& entry : entries_) {
    if (!entry.changed) continue;
    const auto name = sysctl_name(entry.key);
    std::string kept;
    if (entry.interface.empty()) {
      kept =
          "writing 0 would turn forwarding off on every interface, including those other "
          "programs rely on";
    } else if (entry.interface != settings_.bridge && !others.empty()) {
      kept = fmt::format("{} also forward and may route through {}", fmt::join(others, ", "),
                         entry.interface);
    } else if (auto now = sysctls_.read(entry.key); !now || *now != "1") {
      kept = "it was changed by someone else since";
    }
    if (!kept.empty()) {
      notes_.push_back(fmt::format("left {}=1: {}", name, kept));
      spdlog::info("network: {}", notes_.back());
      continue;
    }
    if (auto written = sysctls_.write(entry.key, entry.found); !written) {
      notes_.push_back(
          fmt::format("cannot restore {}={}: {}", name, entry.found, written.error().message));
      spdlog::warn("network: {}", notes_.back());
      continue;
    }
    entry.now = entry.found;
    entry.changed = false;
    notes_.push_back(fmt::format("restored {}={}", name, entry.found));
    spdlog::info("network: {}", notes_.back());
  }
}

std::vector<std::string> ForwardingManager::missing() const {
  std::vector<std::string> off;
  for (const auto& entry : entries_) {
    if (entry.now != "1") off.push_back(sysctl_name(entry.key));
  }
  return off;
}

nlohmann::json ForwardingManager::status() const {
  nlohmann::json settings = nlohmann::json::array();
  nlohmann::json changed = nlohmann::json::array();  // a flat list for the status table
  for (const auto& entry : entries_) {
    if (entry.changed) changed.push_back(sysctl_name(entry.key));
    nlohmann::json one{{"sysctl", sysctl_name(entry.key)},
                       {"found", entry.found},
                       {"now", entry.now},
                       {"changed", entry.changed}};
    if (!entry.interface.empty()) one["interface"] = entry.interface;
    if (!entry.error.empty()) one["error"] = entry.error;
    settings.push_back(std::move(one));
  }
  nlohmann::json out{{"managed", settings_.manage_forwarding},
                     {"needed", !forwarding_needs(settings_).empty()},
                     {"on", missing().empty()},
                     {"changed", std::move(changed)},
                     {"settings", std::move(settings)}};
  if (!notes_.empty()) out["restore"] = notes_;
  return out;
}

}  // namespace openclawd::net
