#pragma once
// What the DNS frontend needs to run. The daemon builds it from the config's
// /dns section and the VM list; tests build it directly.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace openclawd::dns {

struct ListenEndpoint {
  std::string address;      // IPv4 literal
  std::uint16_t port = 53;  // 0: pick a free port (tests)
};

struct ClientNetwork {
  std::string address;  // "192.168.83.0"
  int prefix_length = 24;
};

struct GuestAddress {
  std::string vm;
  std::string ip;  // the guest's IPv4 address
};

enum class DeniedAnswer { nxdomain, refused };

struct ResolverSettings {
  std::vector<ListenEndpoint> listen;
  std::vector<std::string> forwarders;  // "1.1.1.1", "127.0.0.1@5353"
  std::filesystem::path trust_anchor;   // empty: no DNSSEC validation
  std::filesystem::path policy_file;    // empty: answer every name
  DeniedAnswer denied_answer = DeniedAnswer::nxdomain;
  std::vector<ClientNetwork> clients;  // served networks (bridge subnet, extra clients)
  std::vector<GuestAddress> guests;    // client IP -> VM name
  int rate_limit_qps = 200;            // per client address; 0: unlimited
  std::filesystem::path log_file;
  std::uintmax_t log_max_bytes = 16u << 20;
  int log_keep = 5;
  std::size_t answer_cache_entries = 10000;  // repeats answered in-process; 0: off
  std::chrono::seconds allowlist_grace{30};  // added to TTLs reported to the AllowlistSink
  std::size_t tcp_max_connections = 128;
  std::chrono::milliseconds tcp_idle_timeout{10000};
  std::size_t tcp_max_query_size = 4096;  // a bigger TCP frame is malformed
  // The admin's egress decisions (names the policy leaves to "ask"); empty:
  // kept in memory only.
  std::filesystem::path decisions_file;
  std::size_t max_pending_names = 1000;  // names waiting for a decision, at most
};

}  // namespace openclawd::dns
