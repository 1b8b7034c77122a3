#include "openclawd/judge/settings.hpp"

namespace openclawd::judge {
namespace {

FailMode fail_mode_of(config::JudgeFailMode mode) {
  return mode == config::JudgeFailMode::closed ? FailMode::closed : FailMode::open;
}

}  // namespace

JudgeSettings judge_settings_from(const config::JudgeConfig& config) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  JudgeSettings settings;
  settings.enabled = config.enabled;
  settings.base_url = config.base_url;
  settings.model = config.model;
  settings.api_key_file = config.api_key_file;
  settings.max_tokens = config.max_tokens;
  settings.timeout = milliseconds{config.timeout_ms};
  settings.connect_timeout = milliseconds{config.connect_timeout_ms};
  settings.use_json_schema = config.json_schema;
  settings.retries = config.retries;
  settings.backoff_initial = milliseconds{config.backoff_initial_ms};
  settings.backoff_max = milliseconds{config.backoff_max_ms};
  settings.breaker_failure_threshold = config.breaker_failures;
  settings.breaker_open_for = milliseconds{config.breaker_open_ms};
  settings.cache_entries = static_cast<std::size_t>(config.cache_entries);
  settings.cache_ttl = seconds{config.cache_ttl_s};
  settings.band_low = config.band_low;
  settings.band_high = config.band_high;
  settings.injection_min_confidence = config.injection_min_confidence;
  settings.may_lower = config.may_lower;
  settings.lower_min_confidence = config.lower_min_confidence;
  settings.default_fail_mode = fail_mode_of(config.default_fail_mode);
  settings.fail_mode_by_source.clear();
  for (const auto& [source, mode] : config.fail_mode_by_source) {
    settings.fail_mode_by_source.emplace(source, fail_mode_of(mode));
  }
  if (config.dangerous_tools_set) settings.dangerous_tools = config.dangerous_tools;
  if (config.dangerous_commands_set) settings.dangerous_commands = config.dangerous_commands;
  settings.intent_block_confidence = config.intent_block_confidence;
  settings.max_text_bytes = static_cast<std::size_t>(config.max_text_bytes);
  return settings;
}

}  // namespace openclawd::judge
