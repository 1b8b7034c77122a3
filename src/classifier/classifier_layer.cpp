#include <algorithm>
#include <chrono>

#include "openclawd/classifier/layer.hpp"

namespace openclawd::defender {

ClassifierLayer::ClassifierLayer(std::vector<ConfiguredClassifier> classifiers)
    : classifiers_(std::move(classifiers)) {}

LayerReport ClassifierLayer::evaluate(const LayerInput& input) {
  const auto started = std::chrono::steady_clock::now();
  LayerReport report;
  report.layer = "classifier";
  if (classifiers_.empty()) {
    report.skip_reason = "no classifier configured";
    return report;
  }
  report.ran = true;
  // The models were trained on raw text; the normalized form is what the rules saw.
  const std::string text(input.original_text);
  double best = 0.0;
  for (const auto& configured : classifiers_) {
    if (input.deadline != std::chrono::steady_clock::time_point{} &&
        std::chrono::steady_clock::now() >= input.deadline) {
      if (!report.error.empty()) report.error += "; ";
      report.error += configured.name + ": no time left in the scan budget";
      continue;
    }
    auto result = configured.classifier->classify(text);
    if (!result) {
      if (!report.error.empty()) report.error += "; ";
      report.error += configured.name + ": " + result.error().message;
      continue;
    }
    best = std::max(best, result->injection_score);
    if (result->injection_score >= configured.threshold) {
      Finding finding;
      finding.layer = "classifier";
      finding.rule = configured.name;
      finding.category = "injection";
      finding.confidence = result->injection_score;
      finding.severity = result->injection_score >= 0.9 ? Severity::high : Severity::medium;
      finding.reason = configured.name + " labels the text " + result->label + " (window " +
                       std::to_string(result->chosen_window + 1) + " of " +
                       std::to_string(result->windows) + ")";
      report.findings.push_back(std::move(finding));
    }
  }
  // A failed model says nothing; the others' scores still count.
  if (report.error.empty() || best > 0.0) report.injection_score = best;
  report.duration = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace openclawd::defender
