#pragma once
// IPv4 forwarding for the guests' network. The kernel forwards a packet only
// when forwarding is on for the interface it came in on: the bridge for the
// guests' packets out, the uplink for the replies. With no uplink named (NAT
// out of whatever route the host uses) the replies may come in anywhere, so
// the global net.ipv4.ip_forward is needed; writing it sets every
// interface's value (and the default for new ones) at once.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openclawd/net/settings.hpp"
#include "openclawd/net/sysctls.hpp"

namespace openclawd::net {

// One sysctl the network needs set to 1.
struct ForwardingNeed {
  std::string key;        // path form, see Sysctls
  std::string interface;  // empty for the global setting
};

// In the order they must be written (the global one first: it resets the
// per-interface values). Empty when the network has neither NAT nor uplink.
std::vector<ForwardingNeed> forwarding_needs(const NetworkSettings& settings);

// What one sysctl was at start and what the service did with it.
struct ForwardingEntry {
  std::string key;
  std::string interface;
  std::string found;  // empty when it could not be read
  std::string now;
  bool changed = false;
  std::string error;  // why it could not be read or written
};

class ForwardingManager {
 public:
  ForwardingManager(Sysctls& sysctls, NetworkSettings settings);
  // At start, once the bridge exists. Managed: sets each needed sysctl to 1
  // and logs each change. Not managed (network.manage_forwarding false):
  // logs a warning naming each needed sysctl that is off. Never fails the
  // start: the rest of the daemon works without egress.
  void apply();
  // On a clean stop: puts back the values it changed, unless something
  // still depends on them (docs/network.md, "IPv4 forwarding").
  void restore();
  // Needed sysctls that are not 1 now: a warning each (doctor, start).
  std::vector<std::string> missing() const;
  nlohmann::json status() const;

 private:
  std::vector<std::string> guest_taps_present() const;
  std::vector<std::string> other_forwarding_interfaces() const;
  Sysctls& sysctls_;
  NetworkSettings settings_;
  std::vector<ForwardingEntry> entries_;
  std::vector<std::string> notes_;  // what restore decided, for status
};

}  // namespace openclawd::net
