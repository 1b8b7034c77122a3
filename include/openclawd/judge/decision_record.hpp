#pragma once
// One record per judge check for the defender's decision log. It names the
// content by hash and size only: never the text, the API key or a secret.

#include <chrono>
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace openclawd::judge {

struct JudgeCallRecord {
  std::chrono::system_clock::time_point time;
  std::string kind;            // "text" | "intent"
  std::string source;          // discord_message, tool_call, ...
  std::string tool;            // intent checks: the tool's name
  std::string content_sha256;  // the cache key
  std::size_t text_bytes = 0;  // size of the original text
  std::size_t redactions = 0;  // secrets removed before sending
  bool cached = false;
  int attempts = 0;             // HTTP attempts made
  std::string outcome;          // "verdict" | "error" | "breaker_open" | "disabled"
  std::optional<bool> flagged;  // is_injection, or !aligned for intent checks
  std::optional<double> confidence;
  std::string reasoning;  // the model's, redacted
  std::string error;
  std::string fail_mode;  // when outcome != verdict: "open" | "closed"
  std::chrono::microseconds latency{0};
};

nlohmann::json to_json(const JudgeCallRecord& record);

using DecisionSink = std::function<void(const JudgeCallRecord&)>;

}  // namespace openclawd::judge
