#pragma once
// /dns, /audit and /defender: host-side services for the guests.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/config/classifiers.hpp"
#include "openclawd/config/judge.hpp"
#include "openclawd/config/net_types.hpp"

namespace openclawd::config {

enum class DeniedDnsAnswer { nxdomain, refused };

struct DnsConfig {
  bool enabled = true;
  std::vector<Endpoint> listen;
  std::vector<std::string> forwarders = {"1.1.1.1", "8.8.8.8"};  // "127.0.0.1@5353" too
  std::filesystem::path policy;                                  // empty: answer everything
  std::filesystem::path trust_anchor;                            // empty: no DNSSEC validation
  DeniedDnsAnswer denied_answer = DeniedDnsAnswer::nxdomain;
  int rate_limit_qps = 200;                  // per client
  int cache_entries = 10000;                 // answers kept in-process; 0: off
  std::vector<Ipv4Interface> extra_clients;  // served besides the bridge subnet
  std::filesystem::path log_file;            // default <log_dir>/dns.jsonl
};

struct AuditConfig {
  bool enabled = true;
  std::filesystem::path log_file;   // default <log_dir>/audit.jsonl
  bool enable_kernel_audit = true;  // turn kernel audit on when it is off (off again at stop)
};

struct DefenderConfig {
  bool enabled = true;
  std::optional<Endpoint> listen;  // HTTP API for the guests; absent: no API
  std::filesystem::path rules;
  std::filesystem::path log_file;  // decision log; default <log_dir>/defender.jsonl
  JudgeConfig judge;               // Layer 3
  // Scans (docs/defender.md): longer texts are rejected as such, never scanned
  // in part; the budget bounds Layers 2 and 3 of one scan.
  std::int64_t max_input_bytes = 1024 * 1024;
  int time_budget_ms = 3000;
  bool log_inputs = false;  // decision log: also the text and evidence (may hold secrets)
  // HTTP API (docs/defender.md "HTTP API").
  std::filesystem::path token_file;  // empty: the VMs' "defender-token" secrets
  std::int64_t max_body_bytes = 4 * 1024 * 1024;
  int max_concurrent_scans = 4;  // more at once get 503
  int max_connections = 64;
  int request_timeout_ms = 10000;      // reading a request / writing the answer
  bool clients_set = false;            // false: loopback + network.address's subnet
  std::vector<Ipv4Interface> clients;  // source networks allowed to call the API
  // Layer 2 ML classifiers; empty: none.
  std::vector<ClassifierConfig> classifiers;
};

}  // namespace openclawd::config
