#include <algorithm>

#include "openclawd/defender/scan.hpp"

namespace openclawd::defender {

std::string apply_redactions(std::string_view original, std::vector<Redaction> redactions) {
  std::sort(redactions.begin(), redactions.end(),
            [](const Redaction& a, const Redaction& b) { return a.begin < b.begin; });
  // Merge overlapping or touching spans; the merged span keeps the first replacement.
  std::vector<Redaction> merged;
  for (auto& redaction : redactions) {
    redaction.begin = std::min(redaction.begin, original.size());
    redaction.end = std::min(std::max(redaction.end, redaction.begin), original.size());
    if (redaction.begin == redaction.end) continue;
    if (!merged.empty() && redaction.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, redaction.end);
      continue;
    }
    merged.push_back(std::move(redaction));
  }
  std::string out;
  out.reserve(original.size());
  std::size_t at = 0;
  for (const auto& redaction : merged) {
    out.append(original.substr(at, redaction.begin - at));
    out.append(redaction.replacement);
    at = redaction.end;
  }
  out.append(original.substr(at));
  return out;
}

}  // namespace openclawd::defender
