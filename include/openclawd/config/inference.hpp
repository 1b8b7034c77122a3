#pragma once
// /inference: the inference gateway (docs/inference.md). Every model call of a
// guest goes through it: the guest holds a per-boot token, the provider's API
// key stays on the host, and the defender scans what the model reads and does.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/config/net_types.hpp"

namespace openclawd::config {

struct InferenceProviderConfig {
  std::string name;                    // the first path segment: /<name>/v1/chat/completions
  std::string base_url;                // "https://openrouter.ai/api/v1"
  std::filesystem::path api_key_file;  // read at every call; never sent to a guest
  std::filesystem::path ca_file;       // PEM bundle to verify the provider with; empty: system CAs
  bool insecure_http = false;          // allow http:// to a host that is not loopback
};

struct InferenceConfig {
  bool enabled = true;
  std::optional<Endpoint> listen;    // absent: no gateway
  std::filesystem::path token_file;  // accepted bearer token when no VM has an "inference-token"
  std::vector<InferenceProviderConfig> providers;
  std::string user_message_source = "discord_message";  // defender source of user messages
  std::filesystem::path log_file;                       // default <log_dir>/inference.jsonl
  std::int64_t max_body_bytes = 32 * 1024 * 1024;       // a request (the whole conversation)
  std::int64_t max_response_bytes = 32 * 1024 * 1024;   // a provider's answer
  int max_connections = 64;
  int max_concurrent_calls = 16;       // more at once get 503
  int request_timeout_ms = 30000;      // reading a request from a guest
  int connect_timeout_ms = 10000;      // to the provider
  int first_byte_timeout_ms = 300000;  // the provider starts answering (else 504)
  int idle_timeout_ms = 120000;        // silence inside an answer
  int call_timeout_ms = 900000;        // a whole call
  int seen_messages_per_vm = 8192;     // scan verdicts remembered per VM (messages not rescanned)
  bool clients_set = false;            // false: loopback + network.address's subnet
  std::vector<Ipv4Interface> clients;
};

}  // namespace openclawd::config
