#include <algorithm>

#include "openclawd/defender/scan.hpp"
#include "rule_findings.hpp"

namespace openclawd::defender {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::microseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

double best_confidence(const std::vector<Finding>& findings,
                       const std::vector<LayerReport>& layers) {
  double best = 0.0;
  for (const auto& finding : findings) best = std::max(best, finding.confidence);
  for (const auto& layer : layers) {
    if (layer.injection_score) best = std::max(best, *layer.injection_score);
  }
  return best;
}

LayerReport skipped(std::string_view name, std::string reason) {
  LayerReport report;
  report.layer = std::string(name);
  report.skip_reason = std::move(reason);
  return report;
}

}  // namespace

ScanPipeline::ScanPipeline(PipelineSettings settings, Normalizer normalizer,
                           std::shared_ptr<const RuleEngine> rules,
                           std::vector<PipelineLayer> layers)
    : settings_(settings),
      normalizer_(std::move(normalizer)),
      rules_(std::move(rules)),
      layers_(std::move(layers)) {}

std::vector<LayerKind> ScanPipeline::layer_kinds() const {
  std::vector<LayerKind> kinds = {LayerKind::rules};
  for (const auto& entry : layers_) kinds.push_back(entry.kind);
  return kinds;
}

LayerReport ScanPipeline::run_rules(std::string_view text, std::string_view source,
                                    NormalizedText& normalized,
                                    std::vector<std::size_t>& rule_of) const {
  const auto start = Clock::now();
  LayerReport report;
  report.layer = std::string(to_string(LayerKind::rules));
  report.ran = true;
  normalizer_.normalize(text, normalized);
  auto matches = rules_->match(normalized.text, source);
  if (!matches) {
    report.error = matches.error().message;
  } else {
    report.findings = rule_findings(rules_->rules(), *matches, normalized, text, rule_of);
  }
  report.duration = since(start);
  return report;
}

ScanResult ScanPipeline::scan(std::string_view text, std::string_view source,
                              const nlohmann::json* context) const {
  const auto start = Clock::now();
  const auto deadline = start + settings_.time_budget;
  const ActionPolicy& policy = rules_->rules().actions;
  ScanResult result;

  if (text.size() > settings_.max_input_bytes) {
    result.action = Action::block;
    result.rejected = "input is " + std::to_string(text.size()) + " bytes, over the cap of " +
                      std::to_string(settings_.max_input_bytes) +
                      " bytes (defender max_input_bytes); it was not scanned";
    result.duration = since(start);
    return result;
  }

  // Per thread and reused: the normalized text is the largest buffer of a scan.
  thread_local NormalizedText normalized;
  std::vector<std::size_t> rule_of;  // rule index of each Layer 1 finding
  result.layers.push_back(run_rules(text, source, normalized, rule_of));
  auto& findings = result.findings;
  // Where each finding of `findings` is in result.layers: (layer, index).
  std::vector<std::pair<std::size_t, std::size_t>> found_in;
  for (std::size_t k = 0; k < result.layers.back().findings.size(); ++k) {
    findings.push_back(result.layers.back().findings[k]);
    found_in.emplace_back(0, k);
  }
  const std::size_t rule_findings_count = findings.size();
  if (!result.layers.back().error.empty()) {
    // Layer 1 could not look at the text: never let it through unscanned.
    result.action = Action::block;
    result.rejected = "rule engine failed: " + result.layers.back().error;
  }

  bool early_exit = false;
  for (const auto& finding : findings) {
    if (finding.severity == Severity::critical &&
        policy.action_for(source, finding.severity) == Action::block) {
      early_exit = settings_.early_exit_on_critical;
    }
  }

  for (const auto& entry : layers_) {
    Layer& layer = *entry.layer;
    if (early_exit || !result.rejected.empty()) {
      result.layers.push_back(
          skipped(layer.name(), "early exit: Layer 1 blocked on a critical rule"));
      continue;
    }
    if (entry.kind == LayerKind::judge) {
      const double best = best_confidence(findings, result.layers);
      // Tool calls go to the judge whatever the band: it checks dangerous ones
      // for intent alignment and applies the band to the others itself.
      if (source != "tool_call" &&
          (best < settings_.escalation_low || best >= settings_.escalation_high)) {
        result.layers.push_back(
            skipped(layer.name(), "best confidence outside the escalation band"));
        continue;
      }
    }
    if (Clock::now() >= deadline) {
      result.layers.push_back(skipped(layer.name(), "time budget exhausted"));
      continue;
    }
    LayerInput input;
    input.original_text = text;
    input.normalized_text = normalized.main_text();
    input.source = source;
    input.context = context;
    input.prior_findings = findings;
    input.best_confidence = best_confidence(findings, result.layers);
    input.deadline = deadline;
    const auto layer_start = Clock::now();
    LayerReport report = layer.evaluate(input);
    report.layer = std::string(layer.name());
    // A layer may decline on its own terms (its band, disabled): keep its reason.
    if (report.skip_reason.empty()) report.ran = true;
    if (report.duration.count() == 0) report.duration = since(layer_start);
    for (std::size_t k = 0; k < report.findings.size(); ++k) {
      findings.push_back(report.findings[k]);
      found_in.emplace_back(result.layers.size(), k);
    }
    result.layers.push_back(std::move(report));
  }

  // Actions: the rule's own, else the source's table by severity; the text gets
  // the strongest. A sanitize that has no span to cut becomes a block.
  // A judge allowed to lower (may_lower) overrules the earlier layers' findings
  // down to "log", except critical Layer 1 matches, which are exact.
  const bool judge_lowered = std::any_of(
      result.layers.begin(), result.layers.end(),
      [](const LayerReport& layer) { return layer.ran && layer.verdict == Verdict::benign; });
  std::vector<Redaction> redactions;
  for (std::size_t k = 0; k < findings.size(); ++k) {
    auto& finding = findings[k];
    const Rule* rule = k < rule_findings_count ? &rules_->rules().rules[rule_of[k]] : nullptr;
    finding.action =
        rule && rule->action ? *rule->action : policy.action_for(source, finding.severity);
    if (judge_lowered && finding.severity != Severity::critical) {
      finding.action = std::min(finding.action, Action::log);
    }
    if (finding.action == Action::sanitize) {
      if (finding.begin == finding.end) {
        finding.action = Action::block;
      } else {
        redactions.push_back({finding.begin, finding.end, rule ? rule->replacement : "[filtered]"});
      }
    }
    result.action = std::max(result.action, finding.action);
    result.layers[found_in[k].first].findings[found_in[k].second].action = finding.action;
  }
  if (result.action == Action::sanitize) result.sanitized = apply_redactions(text, redactions);
  result.duration = since(start);
  return result;
}

}  // namespace openclawd::defender
