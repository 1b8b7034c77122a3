#pragma once
// The judge's answers and their parser. Models wrap JSON in code fences, add
// prose before or after it, or answer with something else entirely; the parser
// finds the one JSON object and checks its fields. Anything else is an error,
// never a silent "benign".

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclawd/core/result.hpp"

namespace openclawd::judge {

struct JudgeVerdict {
  bool is_injection = false;
  double confidence = 0.0;  // 0..1, the judge's confidence in is_injection
  std::string reasoning;
};

struct IntentVerdict {
  bool aligned = false;
  double confidence = 0.0;  // 0..1, the judge's confidence in `aligned`
  std::string reasoning;
};

// The JSON schemas requested through response_format.
const nlohmann::json& judge_verdict_schema();
const nlohmann::json& intent_verdict_schema();

// The first complete JSON object in `content` (after stripping code fences).
Result<nlohmann::json> extract_json_object(std::string_view content);

Result<JudgeVerdict> parse_judge_verdict(std::string_view content);
Result<IntentVerdict> parse_intent_verdict(std::string_view content);

nlohmann::json to_json(const JudgeVerdict& verdict);
nlohmann::json to_json(const IntentVerdict& verdict);

}  // namespace openclawd::judge
