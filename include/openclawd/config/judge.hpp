#pragma once
// /defender/judge: the Layer 3 LLM judge (docs/config.md, docs/judge.md).
// The judge module turns this into judge::JudgeSettings.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace openclawd::config {

enum class JudgeFailMode { open, closed };

struct JudgeConfig {
  // Off unless the config says so: the judge sends text to a remote API.
  bool enabled = false;
  std::string base_url = "https://api.cerebras.ai/v1";
  std::string model = "gpt-oss-120b";
  std::filesystem::path api_key_file;  // empty: no Authorization header
  int max_tokens = 512;
  int timeout_ms = 3000;
  int connect_timeout_ms = 1000;
  bool json_schema = true;
  int retries = 1;
  int backoff_initial_ms = 100;
  int backoff_max_ms = 1000;
  int breaker_failures = 5;
  int breaker_open_ms = 30000;
  std::int64_t cache_entries = 1024;
  int cache_ttl_s = 600;
  double band_low = 0.5;
  double band_high = 0.7;
  double injection_min_confidence = 0.5;
  bool may_lower = false;
  double lower_min_confidence = 0.8;
  JudgeFailMode default_fail_mode = JudgeFailMode::open;
  std::map<std::string, JudgeFailMode> fail_mode_by_source = {{"tool_call", JudgeFailMode::closed}};
  // Empty optional lists mean "the judge module's defaults".
  bool dangerous_tools_set = false;
  std::vector<std::string> dangerous_tools;
  bool dangerous_commands_set = false;
  std::vector<std::string> dangerous_commands;
  double intent_block_confidence = 0.7;
  std::int64_t max_text_bytes = 32 * 1024;
};

}  // namespace openclawd::config
