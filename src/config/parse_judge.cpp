#include <cmath>

#include "sections.hpp"

namespace openclawd::config {
namespace {

// A number in [min, max]; the reader has no reader for non-integers.
void number(ObjectReader& reader, std::string_view key, double& out, double min, double max) {
  const auto* value = reader.take(key);
  if (value == nullptr) return;
  if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() < min ||
      value->get<double>() > max) {
    reader.error(key, "expected a number from " + nlohmann::json(min).dump() + " to " +
                          nlohmann::json(max).dump() + ", got " + value->dump());
    return;
  }
  out = value->get<double>();
}

bool parse_fail_mode(const nlohmann::json& value, JudgeFailMode& out) {
  if (value == "open") {
    out = JudgeFailMode::open;
  } else if (value == "closed") {
    out = JudgeFailMode::closed;
  } else {
    return false;
  }
  return true;
}

}  // namespace

void parse_judge(ObjectReader& reader, const ParseContext& context, JudgeConfig& out) {
  reader.boolean("enabled", out.enabled);
  reader.string("base_url", out.base_url);
  if (!out.base_url.starts_with("http://") && !out.base_url.starts_with("https://")) {
    reader.diagnostics().add(reader.pointer_of("base_url"),
                             "expected an http:// or https:// URL such as "
                             "\"https://api.cerebras.ai/v1\", got \"" +
                                 out.base_url + "\"");
  }
  reader.string("model", out.model);
  reader.path("api_key_file", out.api_key_file, context.base_dir);
  reader.integer("max_tokens", out.max_tokens, 16, 32768);
  reader.integer("timeout_ms", out.timeout_ms, 100, 120000);
  reader.integer("connect_timeout_ms", out.connect_timeout_ms, 10, 60000);
  reader.boolean("json_schema", out.json_schema);
  reader.integer("retries", out.retries, 0, 10);
  reader.integer("backoff_initial_ms", out.backoff_initial_ms, 0, 60000);
  reader.integer("backoff_max_ms", out.backoff_max_ms, 0, 600000);
  reader.integer("breaker_failures", out.breaker_failures, 1, 1000);
  reader.integer("breaker_open_ms", out.breaker_open_ms, 0, 3600000);
  reader.integer("cache_entries", out.cache_entries, 0, 10000000);
  reader.integer("cache_ttl_s", out.cache_ttl_s, 0, 30 * 86400);
  if (const auto* band = reader.take("band")) {
    if (!band->is_array() || band->size() != 2 || !(*band)[0].is_number() ||
        !(*band)[1].is_number() || (*band)[0].get<double>() < 0.0 ||
        (*band)[1].get<double>() > 1.0 || (*band)[0].get<double>() >= (*band)[1].get<double>()) {
      reader.error("band", "expected [low, high] with 0 <= low < high <= 1, got " + band->dump());
    } else {
      out.band_low = (*band)[0].get<double>();
      out.band_high = (*band)[1].get<double>();
    }
  }
  number(reader, "injection_min_confidence", out.injection_min_confidence, 0.0, 1.0);
  reader.boolean("may_lower", out.may_lower);
  number(reader, "lower_min_confidence", out.lower_min_confidence, 0.0, 1.0);
  if (const auto* modes = reader.take("fail_mode")) {
    if (!modes->is_object()) {
      reader.error("fail_mode",
                   "expected an object such as {\"default\": \"open\", "
                   "\"tool_call\": \"closed\"}, got " +
                       modes->dump());
    } else {
      std::map<std::string, JudgeFailMode> by_source;
      for (const auto& [source, value] : modes->items()) {
        JudgeFailMode mode{};
        if (!parse_fail_mode(value, mode)) {
          reader.diagnostics().add(append_pointer(reader.pointer_of("fail_mode"), source),
                                   "expected \"open\" or \"closed\", got " + value.dump());
          continue;
        }
        if (source == "default") {
          out.default_fail_mode = mode;
        } else {
          by_source[source] = mode;
        }
      }
      out.fail_mode_by_source = std::move(by_source);
    }
  }
  out.dangerous_tools_set = reader.take("dangerous_tools") != nullptr;
  reader.string_list("dangerous_tools", out.dangerous_tools);
  out.dangerous_commands_set = reader.take("dangerous_commands") != nullptr;
  reader.string_list("dangerous_commands", out.dangerous_commands);
  number(reader, "intent_block_confidence", out.intent_block_confidence, 0.0, 1.0);
  reader.integer("max_text_bytes", out.max_text_bytes, 256, 16 * 1024 * 1024);
}

}  // namespace openclawd::config

namespace openclawd::config {

nlohmann::json judge_to_json(const JudgeConfig& judge) {
  auto mode_name = [](JudgeFailMode mode) {
    return mode == JudgeFailMode::closed ? "closed" : "open";
  };
  nlohmann::json fail_mode = {{"default", mode_name(judge.default_fail_mode)}};
  for (const auto& [source, mode] : judge.fail_mode_by_source) fail_mode[source] = mode_name(mode);
  nlohmann::json json = {
      {"enabled", judge.enabled},
      {"base_url", judge.base_url},
      {"model", judge.model},
      {"api_key_file", judge.api_key_file.string()},
      {"max_tokens", judge.max_tokens},
      {"timeout_ms", judge.timeout_ms},
      {"connect_timeout_ms", judge.connect_timeout_ms},
      {"json_schema", judge.json_schema},
      {"retries", judge.retries},
      {"backoff_initial_ms", judge.backoff_initial_ms},
      {"backoff_max_ms", judge.backoff_max_ms},
      {"breaker_failures", judge.breaker_failures},
      {"breaker_open_ms", judge.breaker_open_ms},
      {"cache_entries", judge.cache_entries},
      {"cache_ttl_s", judge.cache_ttl_s},
      {"band", {judge.band_low, judge.band_high}},
      {"injection_min_confidence", judge.injection_min_confidence},
      {"may_lower", judge.may_lower},
      {"lower_min_confidence", judge.lower_min_confidence},
      {"fail_mode", std::move(fail_mode)},
      {"intent_block_confidence", judge.intent_block_confidence},
      {"max_text_bytes", judge.max_text_bytes},
  };
  if (judge.dangerous_tools_set) json["dangerous_tools"] = judge.dangerous_tools;
  if (judge.dangerous_commands_set) json["dangerous_commands"] = judge.dangerous_commands;
  return json;
}

}  // namespace openclawd::config
