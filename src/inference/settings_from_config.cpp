#include "openclawd/inference/settings.hpp"

namespace openclawd::inference {

InferenceSettings settings_from_config(const config::Config& config,
                                       std::vector<TokenSource> vm_tokens) {
  const auto& inference = config.inference;
  InferenceSettings settings;
  if (inference.listen) settings.listen = *inference.listen;
  settings.clients = config::service_clients(config, inference.clients_set, inference.clients);
  for (const auto& p : inference.providers) {
    std::string base = p.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    settings.providers.push_back(Provider{p.name, base, p.api_key_file, p.ca_file});
  }
  settings.tokens = std::move(vm_tokens);
  if (!inference.token_file.empty())
    settings.tokens.push_back({"token_file", inference.token_file});
  settings.user_message_source = inference.user_message_source;
  settings.log_file = inference.log_file;
  settings.max_body_bytes = static_cast<std::size_t>(inference.max_body_bytes);
  settings.max_response_bytes = static_cast<std::size_t>(inference.max_response_bytes);
  settings.max_connections = static_cast<std::size_t>(inference.max_connections);
  settings.max_concurrent_calls = static_cast<std::size_t>(inference.max_concurrent_calls);
  settings.request_timeout = std::chrono::milliseconds(inference.request_timeout_ms);
  settings.connect_timeout = std::chrono::milliseconds(inference.connect_timeout_ms);
  settings.first_byte_timeout = std::chrono::milliseconds(inference.first_byte_timeout_ms);
  settings.idle_timeout = std::chrono::milliseconds(inference.idle_timeout_ms);
  settings.call_timeout = std::chrono::milliseconds(inference.call_timeout_ms);
  settings.seen_messages_per_vm = static_cast<std::size_t>(inference.seen_messages_per_vm);
  return settings;
}

}  // namespace openclawd::inference
