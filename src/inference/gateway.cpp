#include "gateway.hpp"

#include <fmt/format.h>

#include <ctime>
#include <fstream>

#include "openclawd/core/log.hpp"
#include "openclawd/http/bearer.hpp"

namespace openclawd::inference {
namespace {

// How often the secrets to redact are read again (tokens renew at each boot).
constexpr std::chrono::seconds kSecretsRefresh{5};
constexpr std::size_t kMaxKeyBytes = 16 * 1024;

std::string iso_time(std::chrono::system_clock::time_point time) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03d}Z", buffer, static_cast<int>(ms.count() % 1000));
}

nlohmann::json usage_json(const Usage& usage) {
  nlohmann::json out = nlohmann::json::object();
  if (usage.prompt_tokens >= 0) out["prompt_tokens"] = usage.prompt_tokens;
  if (usage.completion_tokens >= 0) out["completion_tokens"] = usage.completion_tokens;
  if (usage.total_tokens >= 0) out["total_tokens"] = usage.total_tokens;
  return out;
}

double rounded(double value) {
  return static_cast<double>(static_cast<long long>(value * 1000.0 + 0.5)) / 1000.0;
}

}  // namespace

nlohmann::json to_json(const CallRecord& record) {
  nlohmann::json out = {{"ts", iso_time(record.ts)},
                        {"vm", record.client},
                        {"peer", record.peer},
                        {"provider", record.provider},
                        {"route", record.route},
                        {"model", record.model},
                        {"stream", record.stream},
                        {"status", record.status},
                        {"latency_ms", rounded(record.latency_ms)},
                        {"scan_ms", rounded(record.scan_ms)},
                        {"request_bytes", record.request_bytes},
                        {"upstream_request_bytes", record.upstream_request_bytes},
                        {"response_bytes", record.response_bytes},
                        {"usage", usage_json(record.usage)}};
  if (record.first_byte_ms >= 0) out["first_byte_ms"] = rounded(record.first_byte_ms);
  if (!record.error_code.empty()) {
    out["error"] = {{"code", record.error_code}, {"message", record.error}};
  }
  nlohmann::json defender =
      record.request_defender.is_object() ? record.request_defender : nlohmann::json::object();
  defender["tool_calls_checked"] = record.tool_calls_checked;
  defender["tool_calls_blocked"] = record.tool_calls_blocked;
  if (!record.blocked_calls.empty()) defender["blocked_calls"] = record.blocked_calls;
  defender["redactions"] = record.redactions;
  if (!record.reply_action.empty()) defender["reply_action"] = record.reply_action;
  out["defender"] = std::move(defender);
  return out;
}

Gateway::Gateway(InferenceSettings settings, std::shared_ptr<defender::AsyncScanner> scanner,
                 std::unique_ptr<http::HttpClient> client, std::unique_ptr<JsonlFile> log)
    : settings_(std::move(settings)),
      scanner_(std::move(scanner)),
      client_(std::move(client)),
      log_(std::move(log)),
      seen_(settings_.seen_messages_per_vm) {}

const judge::Redactor& Gateway::redactor() {
  const auto now = std::chrono::steady_clock::now();
  if (secrets_read_ != std::chrono::steady_clock::time_point{} &&
      now - secrets_read_ < kSecretsRefresh) {
    return redactor_;
  }
  secrets_read_ = now;
  std::vector<std::string> secrets;
  if (settings_.known_secrets) secrets = settings_.known_secrets();
  // The providers' keys never reach a guest; if one shows up in a reply, it goes.
  for (const auto& provider : settings_.providers) {
    if (auto key = api_key(provider)) secrets.push_back(std::move(*key));
  }
  for (const auto& token : settings_.tokens) {
    if (auto value = http::read_token_file(token.file); !value.empty()) {
      secrets.push_back(std::move(value));
    }
  }
  redactor_.set_known_secrets(std::move(secrets));
  return redactor_;
}

std::optional<std::string> Gateway::client_of(std::string_view presented) const {
  std::optional<std::string> client;
  for (const auto& token : settings_.tokens) {
    // Every file is compared, whatever matched before.
    if (http::same_secret(http::read_token_file(token.file), presented) && !client) {
      client = token.client;
    }
  }
  return client;
}

const Provider* Gateway::provider(std::string_view name) const {
  for (const auto& provider : settings_.providers) {
    if (provider.name == name) return &provider;
  }
  return nullptr;
}

Result<std::string> Gateway::api_key(const Provider& provider) const {
  std::ifstream in(provider.api_key_file, std::ios::binary);
  if (!in) {
    return make_error(fmt::format(
        "the API key of provider \"{}\" cannot be read from {}; put the key there (one line, "
        "mode 0600) or fix inference.providers[].api_key_file",
        provider.name, provider.api_key_file.string()));
  }
  std::string key(kMaxKeyBytes, '\0');
  in.read(key.data(), static_cast<std::streamsize>(key.size()));
  key.resize(static_cast<std::size_t>(in.gcount()));
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
    key.pop_back();
  }
  if (key.empty() || key.find_first_of("\r\n") != std::string::npos) {
    return make_error(
        fmt::format("the API key file {} of provider \"{}\" must hold the key on one line",
                    provider.api_key_file.string(), provider.name));
  }
  return key;
}

bool Gateway::admit() {
  if (in_flight_ >= settings_.max_concurrent_calls) {
    ++busy_;
    return false;
  }
  ++in_flight_;
  return true;
}

void Gateway::finish(const CallRecord& record, bool admitted) {
  if (admitted && in_flight_ > 0) --in_flight_;
  ++calls_;
  ++by_provider_[record.provider];
  ++by_client_[record.client.empty() ? "-" : record.client];
  if (!record.error_code.empty()) ++errors_[record.error_code];
  const auto& defender = record.request_defender;
  auto count = [&defender](const char* key) -> std::uint64_t {
    return defender.is_object() && defender.contains(key) && defender[key].is_number_unsigned()
               ? defender[key].get<std::uint64_t>()
               : 0;
  };
  messages_scanned_ += count("scanned");
  messages_remembered_ += count("remembered");
  messages_removed_ += count("removed");
  messages_sanitized_ += count("sanitized");
  tool_calls_checked_ += record.tool_calls_checked;
  tool_calls_blocked_ += record.tool_calls_blocked;
  redactions_ += record.redactions;
  if (record.usage.prompt_tokens > 0)
    prompt_tokens_ += static_cast<std::uint64_t>(record.usage.prompt_tokens);
  if (record.usage.completion_tokens > 0) {
    completion_tokens_ += static_cast<std::uint64_t>(record.usage.completion_tokens);
  }
  latency_.record(std::chrono::microseconds(static_cast<std::int64_t>(record.latency_ms * 1000)));
  if (!log_) return;
  if (auto written = log_->append(to_json(record)); !written) {
    // Once per failure is enough for the operator; the call itself stands.
    ++log_errors_;
    spdlog::error("inference: {}", written.error().message);
  }
}

void Gateway::count_http(unsigned status) {
  ++by_status_[std::to_string(status)];
}

nlohmann::json Gateway::status() const {
  const auto latency = latency_.percentiles();
  nlohmann::json providers = nlohmann::json::array();
  for (const auto& provider : settings_.providers) {
    providers.push_back({{"name", provider.name}, {"base_url", provider.base_url}});
  }
  return {{"providers", std::move(providers)},
          {"calls", calls_},
          {"in_flight", in_flight_},
          {"busy_refusals", busy_},
          {"by_status", by_status_},
          {"by_provider", by_provider_},
          {"by_vm", by_client_},
          {"errors", errors_},
          {"messages_scanned", messages_scanned_},
          {"messages_remembered", messages_remembered_},
          {"messages_removed", messages_removed_},
          {"messages_sanitized", messages_sanitized_},
          {"tool_calls_checked", tool_calls_checked_},
          {"tool_calls_blocked", tool_calls_blocked_},
          {"redactions", redactions_},
          {"tokens", {{"prompt", prompt_tokens_}, {"completion", completion_tokens_}}},
          {"latency_us",
           {{"samples", latency.samples},
            {"p50", latency.p50.count()},
            {"p90", latency.p90.count()},
            {"p99", latency.p99.count()},
            {"max", latency.max.count()}}},
          {"log_file", settings_.log_file.string()},
          {"log_errors", log_errors_}};
}

}  // namespace openclawd::inference
