// `openclawd doctor`: checks the host and prints each finding with its fix.
// Exit code 0 when nothing is a problem (warning or error), 1 otherwise.
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/config/config.hpp"
#include "openclawd/doctor/doctor.hpp"

namespace openclawd::cli {

void add_doctor_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config_path = config::kDefaultConfigPath;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "doctor",
      "Check the host (KVM, forwarding, nftables, audit, libvirtd, disk space, config) "
      "and say how to fix what is wrong");
  command->add_option("-c,--config", options->config_path, "Config file")->capture_default_str();
  command->add_flag("--json", options->json, "Print the findings as JSON");
  command->callback([options, &exit_code] {
    const auto input = doctor::doctor_input(options->config_path);
    const auto host = doctor::make_host_probes();
    const auto sysctls = net::make_proc_sysctls();
    const auto findings = doctor::run_checks(input, *host, *sysctls);
    if (options->json) {
      std::cout << doctor::to_json(findings).dump(2) << "\n";
    } else {
      std::cout << doctor::render_text(findings);
    }
    const bool problem = std::any_of(findings.begin(), findings.end(), doctor::is_problem);
    exit_code = problem ? kFailed : kOk;
  });
}

}  // namespace openclawd::cli
