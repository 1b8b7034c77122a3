#include "openclawd/defender/build_pipeline.hpp"

#include "openclawd/classifier/layer.hpp"
#include "openclawd/core/log.hpp"
#include "openclawd/judge/judge_layer.hpp"

namespace openclawd::defender {

PipelineBuildSettings pipeline_build_settings(const config::Config& config) {
  const auto& defender = config.defender;
  PipelineBuildSettings settings;
  settings.rules = defender.rules;
  settings.pipeline.max_input_bytes = static_cast<std::size_t>(defender.max_input_bytes);
  settings.pipeline.time_budget = std::chrono::milliseconds(defender.time_budget_ms);
  // One escalation band for the pipeline and the judge.
  settings.pipeline.escalation_low = defender.judge.band_low;
  settings.pipeline.escalation_high = defender.judge.band_high;
  settings.classifiers = defender.classifiers;
  settings.judge_enabled = defender.judge.enabled;
  settings.judge = judge::judge_settings_from(defender.judge);
  settings.rules_cache_dir = config.state_dir / "cache" / "defender";
  return settings;
}

Result<BuiltPipeline> build_pipeline(const PipelineBuildSettings& settings,
                                     judge::DecisionSink judge_sink) {
  if (settings.rules.empty()) {
    return make_error(
        "defender: /defender/rules is not set; point it at policies/defender/rules.json");
  }
  BuiltPipeline built;
  std::vector<PipelineLayer> layers;

  // Layer 2: in-process models load (memory-mapped) here, so a broken model
  // directory is an error now, not a failure on the first scan.
  config::DefenderConfig classifier_config;
  classifier_config.classifiers = settings.classifiers;
  auto classifier_layer = make_classifier_layer(classifier_config);
  if (!classifier_layer) return classifier_layer.error();
  if (*classifier_layer) {
    layers.push_back({LayerKind::classifier, std::move(*classifier_layer)});
    spdlog::info("defender: {} ML classifier(s) as Layer 2", settings.classifiers.size());
  }

  if (settings.judge_enabled) {
    auto made = judge::make_judge(settings.judge, std::move(judge_sink));
    if (!made) return made.error().context("defender.judge");
    built.judge = std::move(*made);
    layers.push_back({LayerKind::judge, std::make_unique<judge::JudgeLayer>(built.judge)});
    spdlog::info("defender: LLM judge enabled ({} at {})", settings.judge.model,
                 settings.judge.base_url);
  }

  auto normalizer = Normalizer::create(settings.pipeline.normalizer);
  if (!normalizer) return normalizer.error().context("defender");
  auto rules = load_rules_file(settings.rules);
  if (!rules) return rules.error().context("defender.rules");
  auto engine = RuleEngine::compile(std::move(*rules), *normalizer, settings.rules_cache_dir);
  if (!engine) return engine.error().context(settings.rules.string());
  spdlog::debug("defender: rules {}: {}", settings.rules.string(), (*engine)->cache_note());
  built.pipeline = std::make_unique<ScanPipeline>(settings.pipeline, std::move(*normalizer),
                                                  std::move(*engine), std::move(layers));
  return built;
}

}  // namespace openclawd::defender
