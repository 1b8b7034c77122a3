// `openclawd check-config`: validate and print the resolved config.
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/config/config.hpp"

namespace openclawd::cli {

void add_check_config_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config_path = config::kDefaultConfigPath;
    bool quiet = false;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "check-config", "Validate the config and print it resolved (defaults, absolute paths)");
  command->add_option("-c,--config", options->config_path, "Config file")->capture_default_str();
  command->add_flag("-q,--quiet", options->quiet, "Print nothing when the config is valid");
  command->callback([options, &exit_code] {
    auto config = config::load_config(options->config_path);
    if (!config) {
      std::cerr << config.error().message << "\n";
      exit_code = kConfig;
      return;
    }
    if (!options->quiet) std::cout << config::to_json(*config).dump(2) << "\n";
    std::cerr << config->file.string() << ": configuration is valid (" << config->vms.size()
              << " VMs)\n";
    exit_code = kOk;
  });
}

}  // namespace openclawd::cli
