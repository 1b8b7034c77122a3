#pragma once
// The one way to build the defender's scan pipeline from the config's
// /defender section: the daemon's defender service and every path of
// `openclawd scan` (offline, --jsonl, --config F, the fallback when no daemon
// answers) call it, so the same settings give the same layers and a text gets
// the same verdict online and offline. Layer 1 always; Layer 2 when
// classifiers are configured; Layer 3 when the judge is enabled.

#include <filesystem>
#include <memory>
#include <vector>

#include "openclawd/config/config.hpp"
#include "openclawd/core/result.hpp"
#include "openclawd/defender/scan.hpp"
#include "openclawd/judge/judge.hpp"
#include "openclawd/judge/settings.hpp"

namespace openclawd::defender {

struct PipelineBuildSettings {
  std::filesystem::path rules;                        // /defender/rules
  PipelineSettings pipeline;                          // input cap, time budget, judge band
  std::vector<config::ClassifierConfig> classifiers;  // Layer 2; empty: none
  bool judge_enabled = false;                         // Layer 3: /defender/judge/enabled
  judge::JudgeSettings judge;
  // Where the compiled rules are cached (docs/defender.md "Rules cache"); empty: no cache.
  std::filesystem::path rules_cache_dir;
};

// The settings of a loaded config; the rules cache is <state_dir>/cache/defender.
PipelineBuildSettings pipeline_build_settings(const config::Config& config);

struct BuiltPipeline {
  std::unique_ptr<ScanPipeline> pipeline;
  std::shared_ptr<judge::Judge> judge;  // the Layer 3 judge when enabled (stats, secrets)
};

// Loads and compiles the rules (from the cache when it fits), loads every
// classifier model and sets up the judge. Errors name the config key and the
// file or URL, and say the fix. `judge_sink` receives the judge's call records.
Result<BuiltPipeline> build_pipeline(const PipelineBuildSettings& settings,
                                     judge::DecisionSink judge_sink = {});

}  // namespace openclawd::defender
