#pragma once
// The defender's scan pipeline: Layer 1 (normalizer + rules) on every text,
// then the classifier (Layer 2) unless Layer 1 already blocked on a critical
// rule, then the judge (Layer 3) only for uncertain texts (the escalation band),
// all within a time budget. The result says which layers ran and what each said.

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

class ScanPipeline {
 public:
  // `classifier` and `judge` may be null (not configured). They must be safe to
  // call from several threads at once: the API runs scans on a worker pool.
  ScanPipeline(PipelineSettings settings, Normalizer normalizer,
               std::shared_ptr<const RuleEngine> rules, std::unique_ptr<Layer> classifier = nullptr,
               std::unique_ptr<Layer> judge = nullptr);

  // Loads and compiles the rules file, no Layers 2/3.
  static Result<std::unique_ptr<ScanPipeline>> from_rules_file(const std::filesystem::path& rules,
                                                               PipelineSettings settings = {});

  ScanResult scan(std::string_view text, std::string_view source,
                  const nlohmann::json* context = nullptr) const;

  const PipelineSettings& settings() const { return settings_; }
  const RuleEngine& rules() const { return *rules_; }

 private:
  LayerReport run_rules(std::string_view text, std::string_view source,
                        NormalizedText& normalized) const;

  PipelineSettings settings_;
  Normalizer normalizer_;
  std::shared_ptr<const RuleEngine> rules_;
  std::unique_ptr<Layer> classifier_;
  std::unique_ptr<Layer> judge_;
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
