#include "openclawd/inference/notices.hpp"

#include <fmt/format.h>

#include <set>

namespace openclawd::inference {

std::string decisive_rules(const defender::ScanResult& result) {
  if (!result.rejected.empty()) return "not scanned: " + result.rejected;
  std::set<std::string> seen;
  std::string out;
  for (const auto& finding : result.findings) {
    if (finding.action != result.action || !seen.insert(finding.rule).second) continue;
    if (!out.empty()) out += ", ";
    out += finding.rule;
  }
  return out.empty() ? std::string(defender::to_string(result.action)) : out;
}

std::string removal_notice(std::string_view role, std::string_view rules) {
  const bool tool = role == "tool" || role == "function";
  return fmt::format("[openclawd defender removed this {}: {}]", tool ? "tool result" : "message",
                     rules);
}

std::string blocked_call_notice(std::string_view tool_name, std::string_view rules) {
  return fmt::format("[openclawd defender blocked the tool call {}: {}]", tool_name, rules);
}

std::string blocked_reply_notice(std::string_view rules) {
  return fmt::format("[openclawd defender removed this reply: {}]", rules);
}

}  // namespace openclawd::inference
