#pragma once
// Defender results written by hand, for the gateway's pure logic: what the
// filters do with a verdict does not depend on how the rules reached it.

#include <optional>
#include <string>

#include "openclawd/defender/scan.hpp"

namespace openclawd::inference::testing {

inline defender::ScanResult verdict(defender::Action action, std::string rule = {},
                                    std::optional<std::string> sanitized = std::nullopt) {
  defender::ScanResult result;
  result.action = action;
  if (!rule.empty()) {
    defender::Finding finding;
    finding.layer = "rules";
    finding.rule = std::move(rule);
    finding.action = action;
    finding.severity = defender::Severity::high;
    result.findings.push_back(finding);
  }
  result.sanitized = std::move(sanitized);
  return result;
}

inline defender::ScanResult allowed() {
  return verdict(defender::Action::allow);
}

}  // namespace openclawd::inference::testing
