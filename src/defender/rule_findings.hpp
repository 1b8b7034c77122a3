#pragma once
// Turns rule matches in the normalized text into findings on the original text.

#include <string_view>
#include <vector>

#include "openclawd/defender/layer.hpp"
#include "openclawd/defender/normalizer.hpp"
#include "openclawd/defender/rules.hpp"

namespace openclawd::defender {

// `rule_of` receives, for each finding, the index of its rule in `rules`.
std::vector<Finding> rule_findings(const RuleSet& rules, const std::vector<RuleMatch>& matches,
                                   const NormalizedText& normalized, std::string_view original,
                                   std::vector<std::size_t>& rule_of);

// A short excerpt of original[begin, end), cut at UTF-8 character boundaries.
std::string excerpt(std::string_view original, std::size_t begin, std::size_t end,
                    std::size_t max_bytes = 120);

}  // namespace openclawd::defender
