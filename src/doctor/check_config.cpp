#include <fmt/format.h>

#include "openclawd/doctor/doctor.hpp"

namespace openclawd::doctor {

Finding check_config(const DoctorInput& input) {
  Finding f{"config", Severity::ok, "", "", {{"file", input.config_file.string()}}};
  if (input.config) {
    f.finding =
        fmt::format("{} is valid ({} VMs)", input.config_file.string(), input.config->vms.size());
    return f;
  }
  f.severity = Severity::error;
  f.finding = input.config_error;
  f.fix = fmt::format(
      "correct the keys named above (openclawd check-config --config {} lists every problem)",
      input.config_file.string());
  return f;
}

}  // namespace openclawd::doctor
