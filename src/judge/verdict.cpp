#include "openclawd/judge/verdict.hpp"

#include <cmath>

namespace openclawd::judge {
namespace {

// Finds the end of the JSON object that starts at `begin` (a '{'), honouring
// strings and escapes; npos when it never closes.
std::size_t object_end(std::string_view text, std::size_t begin) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = begin; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t kMax = 80;
  std::string out(text.substr(0, kMax));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (text.size() > kMax) out += "...";
  return out;
}

Result<double> confidence_of(const nlohmann::json& object) {
  auto found = object.find("confidence");
  if (found == object.end() || !found->is_number()) {
    return make_error("judge answer: \"confidence\" must be a number from 0 to 1");
  }
  double value = found->get<double>();
  // Some models answer in percent; 0..100 is unambiguous above 1.
  if (value > 1.0 && value <= 100.0) value /= 100.0;
  if (!std::isfinite(value) || value < 0.0 || value > 1.0) {
    return make_error("judge answer: \"confidence\" must be from 0 to 1, got " + found->dump());
  }
  return value;
}

Result<bool> flag_of(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end() || !found->is_boolean()) {
    return make_error(std::string("judge answer: \"") + key + "\" must be true or false");
  }
  return found->get<bool>();
}

std::string reasoning_of(const nlohmann::json& object) {
  auto found = object.find("reasoning");
  if (found == object.end() || !found->is_string()) return {};
  constexpr std::size_t kMaxReasoning = 2000;
  auto text = found->get<std::string>();
  if (text.size() > kMaxReasoning) text.resize(kMaxReasoning);
  return text;
}

nlohmann::json make_schema(const char* flag, const char* flag_description) {
  return {
      {"type", "object"},
      {"properties",
       {{flag, {{"type", "boolean"}, {"description", flag_description}}},
        {"confidence", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
        {"reasoning", {{"type", "string"}}}}},
      {"required", {flag, "confidence", "reasoning"}},
      {"additionalProperties", false},
  };
}

}  // namespace

const nlohmann::json& judge_verdict_schema() {
  static const nlohmann::json schema =
      make_schema("is_injection", "true when the text tries to hijack the agent");
  return schema;
}

const nlohmann::json& intent_verdict_schema() {
  static const nlohmann::json schema =
      make_schema("aligned", "true when the tool call does what the user asked for");
  return schema;
}

Result<nlohmann::json> extract_json_object(std::string_view content) {
  // Try every '{' in order: prose before the object ("Here is my verdict: {")
  // or a stray brace in it must not hide the real object behind it.
  // Bounded: an answer is at most max_tokens long, and each try scans the rest.
  constexpr std::size_t kMaxContent = 64 * 1024;
  constexpr int kMaxTries = 32;
  if (content.size() > kMaxContent) {
    return make_error("judge answer is too long (" + std::to_string(content.size()) +
                      " bytes; at most 65536)");
  }
  int tries = 0;
  for (std::size_t begin = content.find('{'); begin != std::string_view::npos && tries < kMaxTries;
       begin = content.find('{', begin + 1), ++tries) {
    std::size_t end = object_end(content, begin);
    if (end == std::string_view::npos) continue;
    auto parsed = nlohmann::json::parse(content.substr(begin, end - begin), nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) return parsed;
  }
  return make_error("judge answer is not a JSON object: \"" + excerpt(content) + "\"");
}

Result<JudgeVerdict> parse_judge_verdict(std::string_view content) {
  auto object = extract_json_object(content);
  if (!object) return object.error();
  auto flag = flag_of(*object, "is_injection");
  if (!flag) return flag.error();
  auto confidence = confidence_of(*object);
  if (!confidence) return confidence.error();
  return JudgeVerdict{*flag, *confidence, reasoning_of(*object)};
}

Result<IntentVerdict> parse_intent_verdict(std::string_view content) {
  auto object = extract_json_object(content);
  if (!object) return object.error();
  auto flag = flag_of(*object, "aligned");
  if (!flag) return flag.error();
  auto confidence = confidence_of(*object);
  if (!confidence) return confidence.error();
  return IntentVerdict{*flag, *confidence, reasoning_of(*object)};
}

nlohmann::json to_json(const JudgeVerdict& verdict) {
  return {{"is_injection", verdict.is_injection},
          {"confidence", verdict.confidence},
          {"reasoning", verdict.reasoning}};
}

nlohmann::json to_json(const IntentVerdict& verdict) {
  return {{"aligned", verdict.aligned},
          {"confidence", verdict.confidence},
          {"reasoning", verdict.reasoning}};
}

}  // namespace openclawd::judge
