#pragma once
// Each `openclawd` subcommand lives in its own file and is added to the app
// here. A command's callback stores the process exit code in `exit_code`.

#include <CLI/CLI.hpp>

namespace openclawd::cli {

void add_daemon_command(CLI::App& app, int& exit_code);
void add_check_config_command(CLI::App& app, int& exit_code);
void add_doctor_command(CLI::App& app, int& exit_code);  // host checks (doctor_command.cpp)
void add_version_command(CLI::App& app, int& exit_code);
void add_status_command(CLI::App& app, int& exit_code);
void add_egress_command(CLI::App& app, int& exit_code);  // egress pending|allow|deny
void add_guest_commands(CLI::App& app, int& exit_code);  // start, stop, restart
void add_logs_command(CLI::App& app, int& exit_code);
void add_policy_command(CLI::App& app, int& exit_code);  // policy check gogcli
void add_scan_command(CLI::App& app, int& exit_code);    // defender scan (scan_command.cpp)
void add_rotate_command(CLI::App& app, int& exit_code);
void add_classify_command(CLI::App& app, int& exit_code);      // defender ML models, offline
void add_secret_views_command(CLI::App& app, int& exit_code);  // unit ExecStartPre=+

}  // namespace openclawd::cli
