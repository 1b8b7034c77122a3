#pragma once
// Layer 2 of the defender: ML classifiers. A TextClassifier scores one text; the
// ClassifierLayer runs every configured classifier and reports the highest
// injection probability, with a Finding for each classifier above its threshold.

#include <memory>
#include <string>
#include <vector>

#include "openclawd/classifier/model.hpp"
#include "openclawd/config/services.hpp"
#include "openclawd/core/result.hpp"
#include "openclawd/defender/layer.hpp"

namespace openclawd::defender {

struct ConfiguredClassifier {
  std::string name;  // e.g. "prompt-guard-2-86m"
  std::shared_ptr<const TextClassifier> classifier;
  double threshold = 0.5;  // injection probability at or above which it reports a Finding
};

// Scores combine by maximum: the layer's injection_score is the highest probability
// any classifier gives (each already the maximum over its windows), so one model
// catching an attack is enough; each model over its threshold adds a Finding.
class ClassifierLayer final : public Layer {
 public:
  explicit ClassifierLayer(std::vector<ConfiguredClassifier> classifiers);
  std::string_view name() const override { return "classifier"; }
  LayerReport evaluate(const LayerInput& input) override;

 private:
  std::vector<ConfiguredClassifier> classifiers_;
};

// Builds Layer 2 from /defender/classifiers: loads every in-process model (memory-
// mapped) and sets up every HTTP backend. Null when no classifier is configured.
// Errors name the classifier (/defender/classifiers/N) and the file or URL.
Result<std::unique_ptr<Layer>> make_classifier_layer(const config::DefenderConfig& defender);

}  // namespace openclawd::defender
