#pragma once
// Shared helpers for the defender tests: the checked-in rules and a pipeline.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "openclawd/defender/scan.hpp"

namespace openclawd::defender::testing {

inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("OPENCLAWD_SOURCE_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::path(OPENCLAWD_TEST_SOURCE_DIR);
}

inline std::filesystem::path rules_file() {
  return source_dir() / "policies" / "defender" / "rules.json";
}

// The compiled project rules, built once per test binary (compiling takes ~0.5 s).
inline std::shared_ptr<const RuleEngine> project_rules() {
  static std::shared_ptr<const RuleEngine> engine = [] {
    auto normalizer = Normalizer::create();
    EXPECT_TRUE(normalizer.ok());
    auto rules = load_rules_file(rules_file());
    EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : rules.error().message);
    auto compiled = RuleEngine::compile(std::move(*rules), *normalizer);
    EXPECT_TRUE(compiled.ok()) << (compiled.ok() ? "" : compiled.error().message);
    return *compiled;
  }();
  return engine;
}

inline std::unique_ptr<ScanPipeline> project_pipeline(PipelineSettings settings = {},
                                                      std::unique_ptr<Layer> classifier = nullptr,
                                                      std::unique_ptr<Layer> judge = nullptr) {
  auto normalizer = Normalizer::create(settings.normalizer);
  std::vector<PipelineLayer> layers;
  if (classifier) layers.push_back({LayerKind::classifier, std::move(classifier)});
  if (judge) layers.push_back({LayerKind::judge, std::move(judge)});
  return std::make_unique<ScanPipeline>(settings, std::move(*normalizer), project_rules(),
                                        std::move(layers));
}

}  // namespace openclawd::defender::testing
