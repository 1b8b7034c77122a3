#include "openclawd/judge/decision_record.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace openclawd::judge {

nlohmann::json to_json(const JudgeCallRecord& record) {
  auto since_epoch =
      std::chrono::duration_cast<std::chrono::milliseconds>(record.time.time_since_epoch());
  nlohmann::json json = {
      {"time", fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                           std::chrono::time_point_cast<std::chrono::milliseconds>(record.time))},
      {"time_ms", since_epoch.count()},
      {"layer", "judge"},
      {"kind", record.kind},
      {"source", record.source},
      {"content_sha256", record.content_sha256},
      {"text_bytes", record.text_bytes},
      {"redactions", record.redactions},
      {"cached", record.cached},
      {"attempts", record.attempts},
      {"outcome", record.outcome},
      {"latency_us", record.latency.count()},
  };
  if (!record.tool.empty()) json["tool"] = record.tool;
  if (record.flagged) json["flagged"] = *record.flagged;
  if (record.confidence) json["confidence"] = *record.confidence;
  if (!record.reasoning.empty()) json["reasoning"] = record.reasoning;
  if (!record.error.empty()) json["error"] = record.error;
  if (!record.fail_mode.empty()) json["fail_mode"] = record.fail_mode;
  return json;
}

}  // namespace openclawd::judge
