#pragma once
// What the inference gateway is built from (from the config's /inference
// section, or directly by tests).

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "openclawd/config/config.hpp"

namespace openclawd::inference {

struct Provider {
  std::string name;
  std::string base_url;                // without a trailing '/'
  std::filesystem::path api_key_file;  // read at every call
  std::filesystem::path ca_file;       // empty: the system's CAs
};

// A bearer token the gateway accepts, and whose calls they are.
struct TokenSource {
  std::string client;  // the VM's name ("token_file" for inference.token_file)
  std::filesystem::path file;
};

// The secret values the daemon knows, redacted from model replies.
using KnownSecrets = std::function<std::vector<std::string>()>;

struct InferenceSettings {
  config::Endpoint listen;  // port 0: any free port (tests)
  std::vector<config::Ipv4Interface> clients;
  std::vector<Provider> providers;
  std::vector<TokenSource> tokens;
  std::string user_message_source = "discord_message";
  std::filesystem::path log_file;  // empty: no call log
  std::size_t max_body_bytes = 32 * 1024 * 1024;
  std::size_t max_response_bytes = 32 * 1024 * 1024;
  std::size_t max_connections = 64;
  std::size_t max_concurrent_calls = 16;
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds first_byte_timeout{300000};
  std::chrono::milliseconds idle_timeout{120000};
  std::chrono::milliseconds call_timeout{900000};
  std::size_t seen_messages_per_vm = 8192;
  KnownSecrets known_secrets;  // may be empty
};

// From /inference. `vm_tokens` are the VMs' "inference-token" secrets.
InferenceSettings settings_from_config(const config::Config& config,
                                       std::vector<TokenSource> vm_tokens);

}  // namespace openclawd::inference
