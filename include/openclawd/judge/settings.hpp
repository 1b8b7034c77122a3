#pragma once
// Settings of the Layer 3 LLM judge. A plain struct until the config module
// parses them (proposed keys: docs/judge.md); tests build it directly.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/config/judge.hpp"

namespace openclawd::judge {

// What the judge reports when it cannot give a verdict (API down, timeout,
// circuit open, unparseable answer): `open` lets the text through on the earlier
// layers' findings alone, `closed` reports it as if the judge had flagged it.
enum class FailMode { open, closed };

std::string_view to_string(FailMode mode);

struct JudgeSettings {
  bool enabled = true;

  // The OpenAI-compatible API.
  std::string base_url = "https://api.cerebras.ai/v1";
  std::string model = "gpt-oss-120b";
  std::filesystem::path api_key_file;  // one line; empty: no Authorization header
  int max_tokens = 512;
  std::chrono::milliseconds timeout{3000};  // one HTTP attempt, connect included
  std::chrono::milliseconds connect_timeout{1000};
  bool use_json_schema = true;  // send response_format; dropped if the server rejects it

  // Retries after a transport error, timeout, 429 or 5xx, with bounded backoff.
  int retries = 1;
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{1000};
  double backoff_multiplier = 2.0;

  // Circuit breaker: after this many consecutive failed calls, stop calling for
  // breaker_open_for, then let one trial call through.
  int breaker_failure_threshold = 5;
  std::chrono::milliseconds breaker_open_for{30000};

  // Verdict cache by content hash (LRU with TTL). 0 entries: no cache.
  std::size_t cache_entries = 1024;
  std::chrono::seconds cache_ttl{600};

  // Escalation band: the judge is asked when the best confidence of the earlier
  // layers is in [band_low, band_high).
  double band_low = 0.5;
  double band_high = 0.7;

  // A flagged verdict below this confidence is ignored.
  double injection_min_confidence = 0.5;
  // may_lower: a benign verdict with at least lower_min_confidence overrules the
  // earlier layers (the layer reports Verdict::benign). Off: benign changes nothing.
  bool may_lower = false;
  double lower_min_confidence = 0.8;

  // Fail mode for each source ("discord_message", "tool_result", "web_fetch",
  // "email", "outbound_message", "tool_call"); default_fail_mode for the rest.
  FailMode default_fail_mode = FailMode::open;
  std::map<std::string, FailMode, std::less<>> fail_mode_by_source = {
      {"tool_call", FailMode::closed}};

  // Tool calls checked for intent alignment. dangerous_tools match the tool name
  // (case-insensitive; a trailing '*' matches a prefix); dangerous_commands match
  // the start of a command line in the call's arguments ("gog gmail send").
  std::vector<std::string> dangerous_tools = {
      "exec",       "shell",        "bash",  "run_command", "delete*",    "send_message",
      "send_email", "http_request", "fetch", "web_fetch",   "write_file", "message"};
  std::vector<std::string> dangerous_commands = {"gog gmail send",
                                                 "gog gmail drafts send",
                                                 "gog drive delete",
                                                 "gog calendar delete",
                                                 "rm ",
                                                 "curl ",
                                                 "wget ",
                                                 "ssh ",
                                                 "scp "};
  // A call the judge finds not aligned with at least this confidence is blocked.
  double intent_block_confidence = 0.7;

  // Texts longer than this are cut before they are sent (the prompt says so).
  std::size_t max_text_bytes = 32 * 1024;
  // How many recent call latencies the percentiles are computed over.
  std::size_t latency_window = 1024;

  FailMode fail_mode_for(std::string_view source) const;
};

// The settings from /defender/judge of the config; lists the config leaves out
// keep the defaults above.
JudgeSettings judge_settings_from(const config::JudgeConfig& config);

}  // namespace openclawd::judge
