#pragma once
// What one doctor check found: a severity, the finding in a sentence, and the
// fix (a command or config change) when there is something to do.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace openclawd::doctor {

// ok: as it should be. info: worth knowing, nothing to fix. warning: works,
// but worse than it should (slow starts, no egress). error: something that
// openclawd needs is missing.
enum class Severity { ok, info, warning, error };

std::string_view to_string(Severity severity);

struct Finding {
  std::string check;  // "kvm", "forwarding", ...
  Severity severity = Severity::ok;
  std::string finding;
  std::string fix;  // empty when there is nothing to do
  nlohmann::json details = nlohmann::json::object();
};

// A warning or an error: makes `openclawd doctor` exit 1.
bool is_problem(const Finding& finding);

// {"ok": bool, "problems": n, "checks": [{check, severity, finding, fix, details}]}
nlohmann::json to_json(const std::vector<Finding>& findings);
// One block per check: "ok      kvm         /dev/kvm is root:kvm 0660 ..." and
// "                    fix: ..." lines, then a summary line.
std::string render_text(const std::vector<Finding>& findings);

}  // namespace openclawd::doctor
