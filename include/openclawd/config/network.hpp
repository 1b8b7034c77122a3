#pragma once
// /network: bridge, NAT, egress policy and the allowed guest-to-guest flows.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "openclawd/config/net_types.hpp"

namespace openclawd::config {

enum class EgressMode { log, allowlist };

struct EgressConfig {
  EgressMode mode = EgressMode::log;
  std::filesystem::path log_file;  // JSON lines; default <log_dir>/egress.jsonl
  int drop_log_rate_per_s = 10;    // drops are logged, rate-limited
  int allowlist_grace_s = 30;      // added to the DNS TTL of allowlisted addresses
  int log_group = 83;              // NFLOG group the ruleset logs to and the daemon reads
};

struct FlowConfig {
  std::string from;   // VM name
  std::string to;     // VM name
  std::string proto;  // "tcp" or "udp"
  std::uint16_t port = 0;
};

struct NetworkConfig {
  std::string bridge = "microbr";
  Ipv4Interface address;  // host side of the bridge, e.g. 192.168.83.1/24
  std::string uplink;     // empty: NAT out of whatever route the host uses
  bool nat = true;
  // Turn IPv4 forwarding on for the bridge and the uplink at start; false on
  // hosts that manage sysctls themselves (NixOS boot.kernel.sysctl).
  bool manage_forwarding = true;
  std::string tap_owner = "root";  // user the hypervisor opens taps as
  EgressConfig egress;
  std::vector<FlowConfig> flows;
};

}  // namespace openclawd::config
