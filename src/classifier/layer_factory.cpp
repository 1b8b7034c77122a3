#include "openclawd/classifier/http.hpp"
#include "openclawd/classifier/layer.hpp"

namespace openclawd::defender {

Result<std::unique_ptr<Layer>> make_classifier_layer(const config::DefenderConfig& defender) {
  if (defender.classifiers.empty()) return std::unique_ptr<Layer>();
  std::vector<ConfiguredClassifier> classifiers;
  for (std::size_t i = 0; i < defender.classifiers.size(); ++i) {
    const auto& entry = defender.classifiers[i];
    const std::string pointer = "/defender/classifiers/" + std::to_string(i);
    ConfiguredClassifier configured;
    configured.name = entry.name;
    configured.threshold = entry.threshold;
    if (entry.backend == config::ClassifierBackend::http) {
      configured.classifier = std::make_shared<HttpClassifier>(HttpClassifierSettings{
          entry.url, entry.timeout_ms, entry.connect_timeout_ms, entry.max_batch});
    } else {
      ClassifierSettings settings;
      settings.window_tokens = entry.window;
      settings.stride_tokens = entry.stride;
      settings.threads = entry.threads;
      settings.max_batch = entry.max_batch;
      auto model = DebertaClassifier::load(entry.model_dir.string(), settings);
      if (!model) {
        return make_error(pointer + " (" + entry.name + "): " + model.error().message);
      }
      configured.classifier = std::shared_ptr<const TextClassifier>(std::move(*model));
    }
    classifiers.push_back(std::move(configured));
  }
  return std::unique_ptr<Layer>(std::make_unique<ClassifierLayer>(std::move(classifiers)));
}

}  // namespace openclawd::defender
