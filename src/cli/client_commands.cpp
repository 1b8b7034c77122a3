// The thin client commands: version, status, start, stop, restart.
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/version.hpp"
#include "status_table.hpp"
#include "text_layout.hpp"

namespace openclawd::cli {
namespace {

constexpr auto kQuickTimeout = std::chrono::seconds(10);
// Starting or stopping guests waits for boots and graceful shutdowns.
constexpr auto kGuestTimeout = std::chrono::minutes(15);

}  // namespace

void add_version_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto* command =
      app.add_subcommand("version", "Print this program's version and the running daemon's");
  add_common_options(*command, *options, true);
  command->callback([options, &exit_code] {
    auto socket = resolve_socket(*options);
    nlohmann::json daemon_version = nullptr;
    if (socket) {
      auto response = control::call(*socket, {"version", nlohmann::json::object()}, kQuickTimeout);
      if (response && response->result == control::ResultCode::success) {
        daemon_version = response->arguments.value("version", nlohmann::json());
      }
    }
    if (options->json) {
      std::cout << nlohmann::json{{"client", kVersion}, {"daemon", daemon_version}}.dump() << "\n";
    } else {
      std::cout << "openclawd " << kVersion << "\n";
      if (daemon_version.is_string()) {
        std::cout << "daemon " << daemon_version.get<std::string>() << "\n";
      } else {
        std::cout << "daemon not running\n";
      }
    }
    exit_code = kOk;  // the version of this program is always known
  });
}

void add_status_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto* command = app.add_subcommand("status", "Show the daemon, each VM and each service");
  add_common_options(*command, *options, true);
  command->add_option("--timeout", options->timeout_s, "Seconds to wait for the daemon");
  auto width = std::make_shared<std::size_t>(0);
  command
      ->add_option("--width", *width,
                   "Columns to lay the table out in (default: $COLUMNS, the terminal's, or 80)")
      ->check(CLI::Range(40, 1000));
  command->callback([options, width, &exit_code] {
    auto outcome = call_daemon(*options, {"status", nlohmann::json::object()}, kQuickTimeout);
    exit_code = outcome.exit_code;
    if (!outcome.response || exit_code != kOk) return;
    if (options->json) {
      std::cout << outcome.response->arguments.dump(2) << "\n";
    } else {
      std::cout << format_status_table(outcome.response->arguments,
                                       *width != 0 ? *width : output_width());
    }
  });
}

void add_guest_commands(CLI::App& app, int& exit_code) {
  const std::pair<const char*, const char*> verbs[] = {
      {"start", "Start VMs (all when none named) in dependency order"},
      {"stop", "Stop VMs gracefully (all when none named), dependents first"},
      {"restart", "Restart VMs (all when none named)"}};
  for (const auto& [verb, description] : verbs) {
    auto options = std::make_shared<CommonOptions>();
    auto names = std::make_shared<std::vector<std::string>>();
    auto* command = app.add_subcommand(verb, description);
    add_common_options(*command, *options, true);
    command->add_option("--timeout", options->timeout_s, "Seconds to wait for the daemon");
    command->add_option("vms", *names, "VM names");
    command->callback([options, names, verb = std::string(verb), &exit_code] {
      nlohmann::json arguments = nlohmann::json::object();
      if (!names->empty()) arguments["vms"] = *names;
      auto outcome = call_daemon(*options, {verb, arguments}, kGuestTimeout);
      exit_code = outcome.exit_code;
      if (!outcome.response) return;
      if (options->json) {
        std::cout << nlohmann::json{{"result", static_cast<int>(outcome.response->result)},
                                    {"text", outcome.response->text},
                                    {"arguments", outcome.response->arguments}}
                         .dump()
                  << "\n";
      } else if (exit_code == kOk) {
        std::cout << outcome.response->text << "\n";
      }
    });
  }
}

}  // namespace openclawd::cli
