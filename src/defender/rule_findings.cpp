#include "rule_findings.hpp"

#include <algorithm>

namespace openclawd::defender {
namespace {

constexpr std::size_t kQuoteWindow = 2000;
// Confidence of a finding the rules are unsure about: inside the judge's
// default escalation band [0.5, 0.7).
constexpr double kUncertain = 0.6;

// Single quotes are apostrophes too: one opens a quotation only after a space
// or an opening bracket and before a letter, and closes one only after a
// non-space and before a space, punctuation or the end.
bool inside_single_quotes(std::string_view before) {
  std::size_t open = 0, close = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i] != '\'') continue;
    const char previous = i > 0 ? before[i - 1] : ' ';
    const char next = i + 1 < before.size() ? before[i + 1] : ' ';
    const bool after_space =
        previous == ' ' || previous == '(' || previous == '[' || previous == ':';
    const bool before_letter = (next | 0x20) >= 'a' && (next | 0x20) <= 'z';
    if (after_space && before_letter) {
      ++open;
    } else if (!after_space && previous != ' ' &&
               (next == ' ' || next == '.' || next == ',' || next == ';' || next == '!' ||
                next == '?' || next == ')')) {
      close += open > close ? 1 : 0;
    }
  }
  return open > close;
}

bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::size_t count(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// Is normalized offset `at` inside a quotation ("...", “...”, «...», 「...」, `...`)?
bool inside_quotation(std::string_view text, std::size_t at) {
  const std::size_t from = at > kQuoteWindow ? at - kQuoteWindow : 0;
  const std::string_view before = text.substr(from, at - from);
  return count(before, "\"") % 2 == 1 || count(before, "`") % 2 == 1 ||
         inside_single_quotes(before) || count(before, "\u201e") > count(before, "\u201c") ||
         count(before, "\u201c") > count(before, "\u201d") ||
         count(before, "\u00ab") > count(before, "\u00bb") ||
         count(before, "\u300c") > count(before, "\u300d") ||
         count(before, "\u300e") > count(before, "\u300f");
}

Severity raise(Severity severity) {
  return severity == Severity::medium || severity == Severity::low ? Severity::high : severity;
}

}  // namespace

std::string excerpt(std::string_view original, std::size_t begin, std::size_t end,
                    std::size_t max_bytes) {
  begin = std::min(begin, original.size());
  end = std::min(std::max(end, begin), original.size());
  std::size_t stop = std::min(end, begin + max_bytes);
  while (stop > begin && stop < original.size() && is_continuation_byte(original[stop])) --stop;
  std::string out(original.substr(begin, stop - begin));
  if (stop < end) out += "…";
  return out;
}

std::vector<Finding> rule_findings(const RuleSet& rules, const std::vector<RuleMatch>& matches,
                                   const NormalizedText& normalized, std::string_view original,
                                   std::vector<std::size_t>& rule_of) {
  rule_of.clear();
  bool discusses_attacks = false;
  std::vector<std::string_view> signals;  // distinct signals the text carries
  for (const auto& match : matches) {
    const Rule& rule = rules.rules[match.rule_index];
    if (rule.is_context()) discusses_attacks = true;
    if (rule.is_signal() &&
        std::find(signals.begin(), signals.end(), rule.signal) == signals.end()) {
      signals.push_back(rule.signal);
    }
  }
  auto has = [&](const std::string& signal) {
    return std::find(signals.begin(), signals.end(), signal) != signals.end();
  };
  std::vector<Finding> findings;
  for (const auto& match : matches) {
    const Rule& rule = rules.rules[match.rule_index];
    if (rule.is_context() || rule.is_signal()) continue;
    if (!rule.when.empty() && std::none_of(rule.when.begin(), rule.when.end(), has)) continue;
    const ByteSpan span = normalized.to_original(match.begin, match.end);
    Finding finding;
    finding.layer = std::string(to_string(LayerKind::rules));
    finding.rule = rule.id;
    finding.category = rule.category;
    finding.severity = rule.severity;
    finding.confidence = rule.confidence;
    finding.begin = span.begin;
    finding.end = span.end;
    finding.reason = rule.description;
    if (rule.redact_evidence) {
      finding.evidence = excerpt(original, span.begin, span.end, 4) + "[redacted]";
    } else {
      finding.evidence = excerpt(original, span.begin, span.end);
    }
    bool raised = false;
    if (rule.raise) {
      // Several signals together (an imperative aimed at the assistant, a
      // target, a boundary) make a weak phrase an attack.
      std::string with;
      for (const auto& signal : rule.raise->signals) {
        if (has(signal)) with += (with.empty() ? "" : ", ") + signal;
      }
      const auto count = static_cast<std::size_t>(
          std::count_if(rule.raise->signals.begin(), rule.raise->signals.end(), has));
      if (count >= rule.raise->min) {
        finding.severity = std::max(finding.severity, rule.raise->severity);
        finding.confidence = std::max(finding.confidence, rule.raise->confidence);
        finding.reason += " (with " + with + ")";
        raised = true;
      }
    }
    if (!raised && std::any_of(rule.unless.begin(), rule.unless.end(), has)) {
      // Documentation of a chat format, a warning about a command: say so,
      // and let the models and the judge decide.
      finding.severity = Severity::low;
      finding.confidence = std::min(finding.confidence, kUncertain);
      finding.reason += " (in a text that documents or warns about it)";
    }
    if (normalized.in_decoded_view(match.begin)) {
      // Hiding an instruction in an encoding is itself a sign of intent.
      finding.severity = raise(finding.severity);
      finding.confidence = std::min(1.0, finding.confidence + 0.05);
      finding.reason += " (in decoded base64/hex/percent-encoded text)";
    } else if (discusses_attacks && finding.severity != Severity::critical &&
               inside_quotation(normalized.text, match.begin)) {
      // An article quoting an attack: warn, and leave the verdict to the models.
      finding.severity = Severity::low;
      finding.confidence = std::min(finding.confidence, 0.6);
      finding.reason += " (quoted in a text that discusses attacks)";
    }
    findings.push_back(std::move(finding));
    rule_of.push_back(match.rule_index);
  }
  return findings;
}

}  // namespace openclawd::defender
