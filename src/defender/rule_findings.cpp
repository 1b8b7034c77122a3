#include "rule_findings.hpp"

#include <algorithm>

namespace openclawd::defender {
namespace {

constexpr std::size_t kQuoteWindow = 2000;

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
  for (const auto& match : matches) {
    if (rules.rules[match.rule_index].is_context()) discusses_attacks = true;
  }
  std::vector<Finding> findings;
  for (const auto& match : matches) {
    const Rule& rule = rules.rules[match.rule_index];
    if (rule.is_context()) continue;
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
