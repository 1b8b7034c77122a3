#pragma once
// Options every command shares, exit codes, and the client side of the
// control socket used by the thin commands.

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "openclawd/control/client.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::cli {

// Exit codes of the CLI (docs/operations.md).
enum ExitCode : int {
  kOk = 0,
  kFailed = 1,      // the daemon ran the command and it failed
  kUsage = 2,       // bad command line
  kConfig = 3,      // the config is invalid or unreadable
  kNotRunning = 4,  // no daemon answers on the control socket
  kDenied = 5,      // not allowed (socket permissions or command needs root/group)
};

struct CommonOptions {
  std::string config_path;  // empty: the default, /etc/openclawd/openclawd.json
  std::string socket_path;  // empty: from the config
  bool json = false;
  double timeout_s = 0;  // 0: the command's default
};

// Adds --config and --socket (and optionally --json) to a subcommand.
void add_common_options(CLI::App& command, CommonOptions& options, bool with_json);

// The control socket: --socket, else control_socket from the config file (read
// leniently so that a half-broken config still lets the admin stop the daemon),
// else the built-in default.
Result<std::filesystem::path> resolve_socket(const CommonOptions& options);

// Sends a request; prints errors to stderr; returns the exit code to use and,
// on success, the response.
struct CallOutcome {
  int exit_code = kOk;
  std::optional<control::Response> response;
};
CallOutcome call_daemon(const CommonOptions& options, const control::Request& request,
                        std::chrono::milliseconds default_timeout);

}  // namespace openclawd::cli
