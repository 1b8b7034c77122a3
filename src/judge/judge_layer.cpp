#include "openclawd/judge/judge_layer.hpp"

#include <fmt/format.h>

namespace openclawd::judge {
namespace {

using defender::Finding;
using defender::LayerInput;
using defender::LayerReport;
using defender::Severity;
using defender::Verdict;

const nlohmann::json* member(const nlohmann::json* object,
                             std::initializer_list<const char*> keys) {
  if (object == nullptr || !object->is_object()) return nullptr;
  for (const char* key : keys) {
    auto found = object->find(key);
    if (found != object->end()) return &*found;
  }
  return nullptr;
}

std::string string_member(const nlohmann::json* object, std::initializer_list<const char*> keys) {
  const auto* value = member(object, keys);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

Severity severity_for(double confidence) {
  if (confidence >= 0.9) return Severity::critical;
  if (confidence >= 0.7) return Severity::high;
  return Severity::medium;
}

template <typename Outcome>
void report_failure(const Outcome& outcome, std::string_view source, LayerReport& report) {
  report.error = outcome.error;
  if (outcome.fail_mode != FailMode::closed) return;
  Finding finding;
  finding.layer = "judge";
  finding.rule = "judge_fail_closed";
  finding.category = "judge_unavailable";
  finding.severity = Severity::high;
  finding.confidence = 1.0;
  finding.reason = fmt::format("the judge could not answer ({}) and source \"{}\" fails closed",
                               outcome.error, source);
  report.findings.push_back(std::move(finding));
  report.verdict = Verdict::injection;
}

}  // namespace

JudgeLayer::JudgeLayer(std::shared_ptr<Judge> judge)
    : judge_(std::move(judge)),
      tool_policy_(judge_->settings().dangerous_tools, judge_->settings().dangerous_commands) {}

LayerReport JudgeLayer::evaluate(const LayerInput& input) {
  auto started = std::chrono::steady_clock::now();
  LayerReport report;
  if (!judge_->settings().enabled) {
    report.layer = "judge";
    report.skip_reason = "the judge is disabled";
  } else if (input.source == "tool_call") {
    const nlohmann::json* context = input.context;
    const nlohmann::json* tool = member(context, {"tool"});
    std::string tool_name = string_member(context, {"tool_name", "toolName"});
    if (tool_name.empty()) tool_name = string_member(tool, {"name"});
    const nlohmann::json* arguments = member(context, {"tool_params", "params", "arguments"});
    if (arguments == nullptr) arguments = member(tool, {"params", "arguments"});
    static const nlohmann::json kNone = nlohmann::json::object();
    const nlohmann::json& args = arguments != nullptr ? *arguments : kNone;
    std::string matched = tool_policy_.match(tool_name, args);
    report = matched.empty() ? evaluate_text(input)
                             : evaluate_tool_call(input, tool_name, args, matched);
  } else {
    report = evaluate_text(input);
  }
  report.layer = "judge";
  report.duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

LayerReport JudgeLayer::evaluate_text(const LayerInput& input) {
  const auto& settings = judge_->settings();
  LayerReport report;
  if (input.best_confidence < settings.band_low || input.best_confidence >= settings.band_high) {
    report.skip_reason = fmt::format(
        "best confidence {:.2f} is outside the escalation band "
        "[{:.2f}, {:.2f})",
        input.best_confidence, settings.band_low, settings.band_high);
    return report;
  }
  report.ran = true;
  auto outcome =
      judge_->judge_text({input.original_text, input.source, input.prior_findings, input.deadline});
  if (!outcome.verdict) {
    report_failure(outcome, input.source, report);
    return report;
  }
  const auto& verdict = *outcome.verdict;
  report.injection_score = verdict.is_injection ? verdict.confidence : 1.0 - verdict.confidence;
  if (verdict.is_injection && verdict.confidence >= settings.injection_min_confidence) {
    Finding finding;
    finding.layer = "judge";
    finding.rule = "llm_judge:" + settings.model;
    finding.category = "injection";
    finding.severity = severity_for(verdict.confidence);
    finding.confidence = verdict.confidence;
    finding.reason = verdict.reasoning;
    report.findings.push_back(std::move(finding));
    report.verdict = Verdict::injection;
  } else if (!verdict.is_injection && settings.may_lower &&
             verdict.confidence >= settings.lower_min_confidence) {
    report.verdict = Verdict::benign;
  }
  return report;
}

LayerReport JudgeLayer::evaluate_tool_call(const LayerInput& input, const std::string& tool_name,
                                           const nlohmann::json& arguments,
                                           const std::string& matched) {
  const auto& settings = judge_->settings();
  LayerReport report;
  report.ran = true;
  std::string user_request = string_member(input.context, {"user_request", "userRequest"});
  auto outcome =
      judge_->check_intent({user_request, tool_name, &arguments, input.source, input.deadline});
  if (!outcome.verdict) {
    report_failure(outcome, input.source, report);
    return report;
  }
  const auto& verdict = *outcome.verdict;
  report.injection_score = verdict.aligned ? 1.0 - verdict.confidence : verdict.confidence;
  if (!verdict.aligned && verdict.confidence >= settings.intent_block_confidence) {
    Finding finding;
    finding.layer = "judge";
    finding.rule = "intent_alignment";
    finding.category = "intent_misalignment";
    finding.severity = Severity::critical;
    finding.confidence = verdict.confidence;
    finding.evidence = tool_name;
    finding.reason = fmt::format("dangerous tool call ({}) not aligned with the user's request: {}",
                                 matched, verdict.reasoning);
    report.findings.push_back(std::move(finding));
    report.verdict = Verdict::injection;
  }
  return report;
}

}  // namespace openclawd::judge
