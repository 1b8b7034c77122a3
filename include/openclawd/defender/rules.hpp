#pragma once
// Layer 1 rules as data (policies/defender/rules.json) and their compiled form:
// every pattern of every rule in one Vectorscan database, matched in one
// linear-time pass over the whole normalized text.

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/defender/layer.hpp"
#include "openclawd/defender/normalizer.hpp"

namespace openclawd::defender {

// The sources a text can come from; rules and actions can be limited to some.
inline constexpr std::array<std::string_view, 6> kSources = {
    "discord_message", "tool_result", "web_fetch", "email", "outbound_message", "tool_call"};
bool is_known_source(std::string_view source);

std::optional<Severity> parse_severity(std::string_view text);
std::optional<Action> parse_action(std::string_view text);

struct Rule {
  std::string id;        // "instruction_override.en"
  std::string category;  // "instruction_override"
  Severity severity = Severity::medium;
  double confidence = 0.8;             // 0..1
  std::vector<std::string> patterns;   // Vectorscan regexes, matched case-insensitively
  std::vector<std::string> languages;  // "en", "ja", ... or "any"
  std::vector<std::string> sources;    // empty: every source
  std::string description;
  std::optional<Action> action;            // overrides the severity -> action table
  std::string replacement = "[filtered]";  // what the sanitizer puts in place of a match
  bool redact_evidence = false;            // credentials: never echo the match
  // Signals (docs/defender.md "Combining signals"): a rule of category
  // "signal" raises no finding; it marks the text with `signal` (the text
  // addresses the assistant, names a target such as the system prompt or
  // secrets, holds a fake boundary or role marker, ...).
  std::string signal;
  // Fire only when the text also carries one of these signals; empty: always.
  std::vector<std::string> when;
  // With at least `min` of `signals` in the text, the finding is raised to
  // `severity` and `confidence` (never lowered).
  struct Raise {
    std::vector<std::string> signals;
    std::size_t min = 1;
    Severity severity = Severity::high;
    double confidence = 0.85;
  };
  std::optional<Raise> raise;
  // In a text carrying one of these signals (it documents a format, warns
  // about a command) and not raised, the finding is only warned about: low
  // severity, confidence in the judge's band.
  std::vector<std::string> unless;
  // Context rules (category "discussion") raise no finding; they mark texts that
  // talk about attacks, in which quoted non-critical matches are only warned about.
  bool is_context() const { return category == "discussion"; }
  bool is_signal() const { return category == "signal"; }
};

// What to do by severity, per source.
struct ActionPolicy {
  std::array<Action, 4> by_severity = {Action::warn, Action::sanitize, Action::block,
                                       Action::block};  // low, medium, high, critical
  std::map<std::string, std::array<Action, 4>, std::less<>> per_source;
  Action action_for(std::string_view source, Severity severity) const;
};

struct RuleSet {
  std::vector<Rule> rules;
  ActionPolicy actions;
  std::string source_sha256;  // of the file the rules were read from (cache key)
};

// Parses and validates rules; `origin` names the input in error messages.
// Errors name the rule by JSON pointer ("/rules/3/severity") and say the fix.
Result<RuleSet> parse_rules(std::string_view json_text, std::string_view origin);
Result<RuleSet> load_rules_file(const std::filesystem::path& path);

// A rule match in the normalized text.
struct RuleMatch {
  std::size_t rule_index = 0;
  std::size_t begin = 0;  // normalized byte offsets
  std::size_t end = 0;
};

// Compiled rules. Thread-safe: each thread scans with scratch space of its own.
class RuleEngine {
 public:
  // Folds every pattern like the normalizer folds text, then compiles them
  // together. An invalid pattern is reported with its rule id and the reason.
  // With a `cache_dir`, the compiled database is read from there when one was
  // made for exactly these rules, this Vectorscan and this CPU, and written
  // there otherwise (docs/defender.md "Rules cache"); a cache that cannot be
  // read or written only costs the compile time.
  static Result<std::shared_ptr<const RuleEngine>> compile(
      RuleSet rules, const Normalizer& normalizer, const std::filesystem::path& cache_dir = {});
  ~RuleEngine();
  RuleEngine(const RuleEngine&) = delete;
  RuleEngine& operator=(const RuleEngine&) = delete;

  // Every match of every rule that applies to `source`, overlapping matches
  // of one rule merged, ordered by position.
  Result<std::vector<RuleMatch>> match(std::string_view normalized_text,
                                       std::string_view source) const;

  const RuleSet& rules() const { return rules_; }
  std::size_t pattern_count() const { return pattern_rule_.size(); }
  bool loaded_from_cache() const;
  const std::string& cache_note() const;  // how the database was obtained

  struct Database;

 private:
  RuleEngine() = default;
  RuleSet rules_;
  std::vector<std::size_t> pattern_rule_;  // pattern id -> rule index
  // Per source (kSources order, then unknown sources): does rule r apply?
  std::vector<std::vector<unsigned char>> applies_;
  std::unique_ptr<Database> database_;
};

}  // namespace openclawd::defender
