#include "openclawd/doctor/finding.hpp"

#include <fmt/format.h>

namespace openclawd::doctor {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::ok:
      return "ok";
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "error";
}

bool is_problem(const Finding& finding) {
  return finding.severity == Severity::warning || finding.severity == Severity::error;
}

nlohmann::json to_json(const std::vector<Finding>& findings) {
  nlohmann::json checks = nlohmann::json::array();
  int problems = 0;
  for (const auto& f : findings) {
    if (is_problem(f)) ++problems;
    checks.push_back({{"check", f.check},
                      {"severity", to_string(f.severity)},
                      {"finding", f.finding},
                      {"fix", f.fix},
                      {"details", f.details}});
  }
  return {{"ok", problems == 0}, {"problems", problems}, {"checks", std::move(checks)}};
}

std::string render_text(const std::vector<Finding>& findings) {
  std::string out;
  int problems = 0;
  for (const auto& f : findings) {
    if (is_problem(f)) ++problems;
    out += fmt::format("{:<8} {:<13} {}\n", to_string(f.severity), f.check, f.finding);
    if (!f.fix.empty()) out += fmt::format("{:<22} fix: {}\n", "", f.fix);
  }
  out += problems == 0 ? fmt::format("no problems found ({} checks)\n", findings.size())
                       : fmt::format("{} problem{} found ({} checks)\n", problems,
                                     problems == 1 ? "" : "s", findings.size());
  return out;
}

}  // namespace openclawd::doctor
