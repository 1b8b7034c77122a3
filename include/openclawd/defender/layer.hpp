#pragma once
// The contract between the defender's scan pipeline and its layers:
// Layer 1 (normalization + rules), Layer 2 (ML classifiers), Layer 3 (LLM judge).
// A layer is synchronous and may block (a model run, an HTTP call); the
// pipeline calls layers from a worker pool, never on the event loop thread.

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openclawd::defender {

enum class Severity { low, medium, high, critical };

// What the pipeline does with a text. Ordered from mildest to strongest.
enum class Action { allow, log, warn, sanitize, block };

std::string_view to_string(Severity severity);
std::string_view to_string(Action action);

// The kinds of layer the pipeline runs, in order. The kind decides when a layer
// is asked (docs/defender.md "The pipeline"); it is set by whoever builds the
// pipeline, never read back from a name.
enum class LayerKind { rules, classifier, judge };
std::string_view to_string(LayerKind kind);

struct Finding {
  std::string layer;     // "rules", "classifier", "judge"
  std::string rule;      // rule id, or model / judge name
  std::string category;  // e.g. "instruction_override", "injection"
  Severity severity = Severity::low;
  double confidence = 0.0;  // 0..1
  std::string evidence;     // short excerpt of the ORIGINAL text (never a secret)
  // Byte span in the ORIGINAL text; begin == end means "the text as a whole".
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string reason;             // human-readable why (judge reasoning, rule description)
  Action action = Action::allow;  // set by the pipeline from the source's action table
};

struct LayerInput {
  std::string_view original_text;
  std::string_view normalized_text;         // Layer 1's normalized form (may equal original)
  std::string_view source;                  // discord_message, tool_result, web_fetch, email,
                                            // outbound_message, tool_call
  const nlohmann::json* context = nullptr;  // request context (user request, tool call, ...)
  std::span<const Finding> prior_findings;  // what earlier layers found
  double best_confidence = 0.0;             // max confidence of prior findings
  std::chrono::steady_clock::time_point deadline;  // the scan's time budget ends here
};

// What a layer says about one text.
enum class Verdict { none, benign, injection };

struct LayerReport {
  std::string layer;
  bool ran = false;         // false: skipped (not configured, not in band, no time left)
  std::string skip_reason;  // when !ran
  std::vector<Finding> findings;
  std::optional<double> injection_score;  // a model's probability of injection, if any
  Verdict verdict = Verdict::none;        // a judge's overall opinion, if any
  std::string error;                      // non-empty when the layer failed
  std::chrono::microseconds duration{0};
};

class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string_view name() const = 0;
  virtual LayerReport evaluate(const LayerInput& input) = 0;
};

}  // namespace openclawd::defender
