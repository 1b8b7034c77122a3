#pragma once
// The defender's scan pipeline: Layer 1 (normalizer + rules) on every text,
// then each further layer in its order: classifiers (Layer 2) unless Layer 1
// already blocked on a critical rule, the judge (Layer 3) only for uncertain
// texts (the escalation band), all within a time budget. The result lists
// every layer of the pipeline, whether it ran and what it said. Daemon and CLI
// build it with one function, build_pipeline (build_pipeline.hpp).

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/defender/layer.hpp"
#include "openclawd/defender/normalizer.hpp"
#include "openclawd/defender/rules.hpp"

namespace openclawd::defender {

// Defender settings, built directly until the config module carries them all
// (config's /defender section maps onto these; see docs/defender.md).
struct PipelineSettings {
  // Texts longer than this are rejected (blocked, reason "input too large"),
  // never scanned in part.
  std::size_t max_input_bytes = 1024 * 1024;
  std::chrono::milliseconds time_budget{3000};  // per scan, for Layers 2 and 3
  // Layer 3 is asked when the best confidence so far lies in [low, high).
  double escalation_low = 0.5;
  double escalation_high = 0.7;
  // A critical Layer 1 hit that blocks needs no model.
  bool early_exit_on_critical = true;
  NormalizerSettings normalizer;
};

struct ScanResult {
  Action action = Action::allow;
  std::vector<Finding> findings;
  std::optional<std::string> sanitized;  // when action == sanitize: the text with spans replaced
  std::vector<LayerReport> layers;
  std::chrono::microseconds duration{0};
  std::string rejected;  // non-empty: the text was refused unscanned (and blocked); why

  // Flagged texts are the ones the agent must not see as they are.
  bool flagged() const { return action == Action::sanitize || action == Action::block; }
};

// A layer after Layer 1, and the kind that says when the pipeline asks it.
struct PipelineLayer {
  LayerKind kind = LayerKind::classifier;
  std::unique_ptr<Layer> layer;
};

class ScanPipeline {
 public:
  // `layers` run after Layer 1 in the order given (classifiers before the
  // judge). They must be safe to call from several threads at once: the API
  // runs scans on a worker pool.
  ScanPipeline(PipelineSettings settings, Normalizer normalizer,
               std::shared_ptr<const RuleEngine> rules, std::vector<PipelineLayer> layers = {});

  ScanResult scan(std::string_view text, std::string_view source,
                  const nlohmann::json* context = nullptr) const;

  const PipelineSettings& settings() const { return settings_; }
  const RuleEngine& rules() const { return *rules_; }
  // Every layer of this pipeline in order, Layer 1 first.
  std::vector<LayerKind> layer_kinds() const;

 private:
  LayerReport run_rules(std::string_view text, std::string_view source, NormalizedText& normalized,
                        std::vector<std::size_t>& rule_of) const;

  PipelineSettings settings_;
  Normalizer normalizer_;
  std::shared_ptr<const RuleEngine> rules_;
  std::vector<PipelineLayer> layers_;
};

// Replaces each span of `original` (merged where they overlap) by its replacement.
struct Redaction {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string replacement;
};
std::string apply_redactions(std::string_view original, std::vector<Redaction> redactions);

// The wire form of a result (HTTP API, `openclawd scan --json`, decision log).
nlohmann::json finding_to_json(const Finding& finding);
nlohmann::json to_json(const ScanResult& result);

}  // namespace openclawd::defender
