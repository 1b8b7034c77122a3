// `openclawd daemon`: the foreground service (systemd Type=notify).
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/config/config.hpp"
#include "openclawd/core/log.hpp"
#include "openclawd/daemon/daemon.hpp"

namespace openclawd::cli {

void add_daemon_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config_path = config::kDefaultConfigPath;
    std::string socket_path;
    std::string log_level;
    bool log_stderr = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand("daemon", "Run the daemon in the foreground");
  command->add_option("-c,--config", options->config_path, "Config file")->capture_default_str();
  command->add_option("-s,--socket", options->socket_path,
                      "Control socket (overrides control_socket from the config)");
  command->add_option("--log-level", options->log_level,
                      "trace, debug, info, warn or error (default: the config's log_level)");
  command->add_flag("--log-stderr", options->log_stderr,
                    "Log to stderr even when started by systemd");
  command->callback([options, &exit_code] {
    auto config = config::load_config(options->config_path);
    if (!config) {
      log::init("openclawd", options->log_stderr ? log::Sink::stderr_only : log::Sink::automatic);
      spdlog::error("invalid configuration:\n{}", config.error().message);
      std::cerr << config.error().message << "\n";
      exit_code = daemon::kExitConfig;
      return;
    }
    if (!options->socket_path.empty()) config->control.socket = options->socket_path;
    const auto level = options->log_level.empty() ? config->log_level : options->log_level;
    log::init("openclawd", options->log_stderr ? log::Sink::stderr_only : log::Sink::automatic,
              level);
    daemon::Daemon service(std::move(*config));
    exit_code = service.run();
  });
}

}  // namespace openclawd::cli
