#include "openclawd/cli/app.hpp"

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"

namespace openclawd::cli {

int run(int argc, char** argv) {
  CLI::App app{"openclawd: keeps an AI agent in a VM and watches what it does"};
  app.require_subcommand(1);
  int exit_code = kOk;
  add_daemon_command(app, exit_code);
  add_check_config_command(app, exit_code);
  add_doctor_command(app, exit_code);
  add_version_command(app, exit_code);
  add_status_command(app, exit_code);
  add_egress_command(app, exit_code);
  add_guest_commands(app, exit_code);
  add_logs_command(app, exit_code);
  add_policy_command(app, exit_code);
  add_scan_command(app, exit_code);
  add_rotate_command(app, exit_code);
  add_classify_command(app, exit_code);
  add_secret_views_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  return exit_code;
}

}  // namespace openclawd::cli
