#pragma once
// A scripted Layer for pipeline tests (stands in for the classifier and judge).

#include <atomic>
#include <chrono>
#include <thread>

#include "openclawd/defender/layer.hpp"

namespace openclawd::defender::testing {

class FakeLayer : public Layer {
 public:
  FakeLayer(std::string name, LayerReport report, std::chrono::milliseconds delay = {})
      : name_(std::move(name)), report_(std::move(report)), delay_(delay) {}

  std::string_view name() const override { return name_; }

  LayerReport evaluate(const LayerInput& input) override {
    ++calls;
    last_best_confidence = input.best_confidence;
    last_prior_findings = input.prior_findings.size();
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    return report_;
  }

  std::atomic<int> calls{0};
  double last_best_confidence = -1;
  std::size_t last_prior_findings = 0;

 private:
  std::string name_;
  LayerReport report_;
  std::chrono::milliseconds delay_;
};

inline LayerReport injection_report(std::string layer, double score, Severity severity) {
  LayerReport report;
  report.injection_score = score;
  Finding finding;
  finding.layer = std::move(layer);
  finding.rule = "fake-model";
  finding.category = "injection";
  finding.severity = severity;
  finding.confidence = score;
  report.findings.push_back(finding);
  return report;
}

}  // namespace openclawd::defender::testing
