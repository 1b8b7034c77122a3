#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "sections.hpp"

namespace openclawd::config {
namespace {

// The token secret that makes a guest a client of the gateway.
constexpr std::string_view kInferenceTokenFile = "inference-token";

bool valid_provider_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// The host of an http(s) URL, without port or brackets.
std::string url_host(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    return std::string(rest.substr(1, close == std::string_view::npos ? rest.size() : close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  const auto address = Ipv4Address::parse(host);
  return address && (address->value >> 24) == 127;
}

void parse_provider(ObjectReader& reader, const ParseContext& context,
                    InferenceProviderConfig& out) {
  reader.string("name", out.name, Need::required);
  if (!out.name.empty() && !valid_provider_name(out.name)) {
    reader.error("name",
                 "expected 1 to 64 lower-case letters, digits, '-', '_' or '.' (it is "
                 "the first part of the gateway's URL path), got \"" +
                     out.name + "\"");
  }
  reader.string("base_url", out.base_url, Need::required);
  reader.path("api_key_file", out.api_key_file, context.base_dir, Need::required);
  reader.path("ca_file", out.ca_file, context.base_dir);
  reader.boolean("insecure_http", out.insecure_http);
  if (out.base_url.empty()) return;
  const bool https = out.base_url.starts_with("https://");
  if (!https && !out.base_url.starts_with("http://")) {
    reader.error("base_url",
                 "expected an https:// URL such as \"https://openrouter.ai/api/v1\", "
                 "got \"" +
                     out.base_url + "\"");
  } else if (url_host(out.base_url).empty()) {
    reader.error("base_url", "the URL \"" + out.base_url + "\" has no host");
  } else if (!https && !out.insecure_http && !is_loopback_host(url_host(out.base_url))) {
    reader.error("base_url",
                 "plain http:// would send the API key unencrypted to " + url_host(out.base_url) +
                     "; use https://, or set \"insecure_http\": true for a provider on a "
                     "network you trust");
  }
}

}  // namespace

void parse_inference(ObjectReader& reader, const ParseContext& context, InferenceConfig& out) {
  reader.boolean("enabled", out.enabled);
  Endpoint listen;
  const bool has_listen = reader.take("listen") != nullptr;
  reader.parsed("listen", listen, Endpoint::parse,
                "\"address:port\" such as \"192.168.83.1:8788\"");
  if (has_listen) out.listen = listen;
  reader.path("token_file", out.token_file, context.base_dir);
  reader.string("user_message_source", out.user_message_source);
  reader.path("log_file", out.log_file, context.base_dir);
  reader.integer("max_body_bytes", out.max_body_bytes, 1024, 1024 * 1024 * 1024);
  reader.integer("max_response_bytes", out.max_response_bytes, 1024, 1024 * 1024 * 1024);
  reader.integer("max_connections", out.max_connections, 1, 100000);
  reader.integer("max_concurrent_calls", out.max_concurrent_calls, 1, 10000);
  reader.integer("request_timeout_ms", out.request_timeout_ms, 100, 600000);
  reader.integer("connect_timeout_ms", out.connect_timeout_ms, 100, 600000);
  reader.integer("first_byte_timeout_ms", out.first_byte_timeout_ms, 100, 3600000);
  reader.integer("idle_timeout_ms", out.idle_timeout_ms, 1000, 3600000);
  reader.integer("call_timeout_ms", out.call_timeout_ms, 1000, 24 * 3600000);
  reader.integer("seen_messages_per_vm", out.seen_messages_per_vm, 0, 10000000);
  out.clients_set = reader.take("clients") != nullptr;
  reader.array("clients", [&](const nlohmann::json& item, const std::string& pointer) {
    auto net = item.is_string() ? Ipv4Interface::parse(item.get<std::string>()) : std::nullopt;
    if (!net) {
      reader.diagnostics().add(
          pointer, "expected a network such as \"192.168.83.0/24\", got " + item.dump());
      return;
    }
    out.clients.push_back(*net);
  });
  std::set<std::string> names;
  reader.object_array("providers", [&](ObjectReader& entry) {
    InferenceProviderConfig provider;
    parse_provider(entry, context, provider);
    if (!provider.name.empty() && !names.insert(provider.name).second) {
      entry.error("name", "\"" + provider.name + "\" is used by another provider");
    }
    out.providers.push_back(std::move(provider));
  });
}

void validate_inference(const Config& config, Diagnostics& diagnostics) {
  const auto& inference = config.inference;
  if (!inference.enabled || !inference.listen) return;
  if (!config.defender.enabled || config.defender.rules.empty()) {
    diagnostics.add("/inference",
                    "the inference gateway scans every model call with the defender: set "
                    "/defender/rules (policies/defender/rules.json) and keep /defender/enabled "
                    "true, or remove /inference/listen");
  }
  if (inference.providers.empty()) {
    diagnostics.add("/inference/providers",
                    "the gateway has no provider to forward to; add one such as {\"name\": "
                    "\"openrouter\", \"base_url\": \"https://openrouter.ai/api/v1\", "
                    "\"api_key_file\": \"/etc/openclawd/secrets/openrouter-api-key\"}");
  }
  for (std::size_t i = 0; i < inference.providers.size(); ++i) {
    if (!inference.providers[i].ca_file.empty()) {
      check_regular_file(inference.providers[i].ca_file,
                         fmt::format("/inference/providers/{}/ca_file", i), "CA bundle",
                         diagnostics);
    }
  }
  const bool a_vm_has_token = std::any_of(config.vms.begin(), config.vms.end(), [](const auto& vm) {
    return std::any_of(vm.secrets.tokens.begin(), vm.secrets.tokens.end(),
                       [](const auto& token) { return token.file == kInferenceTokenFile; });
  });
  if (!a_vm_has_token && inference.token_file.empty()) {
    diagnostics.add("/inference",
                    "no client can authenticate to the gateway: give a VM an \"inference-token\" "
                    "secret (/vms/N/secrets/tokens) or set /inference/token_file");
  }
}

nlohmann::json inference_to_json(const InferenceConfig& inference) {
  nlohmann::json providers = nlohmann::json::array();
  for (const auto& p : inference.providers) {
    nlohmann::json provider = {
        {"name", p.name}, {"base_url", p.base_url}, {"api_key_file", p.api_key_file.string()}};
    if (!p.ca_file.empty()) provider["ca_file"] = p.ca_file.string();
    if (p.insecure_http) provider["insecure_http"] = true;
    providers.push_back(std::move(provider));
  }
  nlohmann::json out = {{"enabled", inference.enabled},
                        {"providers", std::move(providers)},
                        {"user_message_source", inference.user_message_source},
                        {"log_file", inference.log_file.string()},
                        {"max_body_bytes", inference.max_body_bytes},
                        {"max_response_bytes", inference.max_response_bytes},
                        {"max_connections", inference.max_connections},
                        {"max_concurrent_calls", inference.max_concurrent_calls},
                        {"request_timeout_ms", inference.request_timeout_ms},
                        {"connect_timeout_ms", inference.connect_timeout_ms},
                        {"first_byte_timeout_ms", inference.first_byte_timeout_ms},
                        {"idle_timeout_ms", inference.idle_timeout_ms},
                        {"call_timeout_ms", inference.call_timeout_ms},
                        {"seen_messages_per_vm", inference.seen_messages_per_vm}};
  if (inference.listen) out["listen"] = inference.listen->to_string();
  if (!inference.token_file.empty()) out["token_file"] = inference.token_file.string();
  if (inference.clients_set) {
    nlohmann::json clients = nlohmann::json::array();
    for (const auto& n : inference.clients) clients.push_back(n.to_string());
    out["clients"] = std::move(clients);
  }
  return out;
}

}  // namespace openclawd::config
