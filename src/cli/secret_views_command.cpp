// `openclawd secret-views mount|unmount`: the read-only views of the secrets
// directories, made outside the daemon. The unit runs `mount` as
// ExecStartPre=+ (unsandboxed, in the host's mount namespace) because
// ProtectSystem= gives the daemon a private mount namespace whose mounts never
// reach virtiofsd; the daemon then finds the views mounted and keeps them.
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/config/config.hpp"
#include "openclawd/secrets/secrets_manager.hpp"
#include "openclawd/secrets/secrets_service.hpp"

namespace openclawd::cli {

void add_secret_views_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string config_path = config::kDefaultConfigPath;
  };
  auto options = std::make_shared<Options>();
  auto* command = app.add_subcommand(
      "secret-views",
      "Mount or unmount the guests' read-only secrets views (systemd ExecStartPre=+)");
  command->require_subcommand(1);
  for (const bool mount : {true, false}) {
    auto* verb = command->add_subcommand(
        mount ? "mount" : "unmount",
        mount ? "Create each VM's secrets directory and mount its read-only view"
              : "Unmount every VM's read-only view");
    verb->add_option("-c,--config", options->config_path, "Config file")->capture_default_str();
    verb->callback([options, mount, &exit_code] {
      auto config = config::load_config(options->config_path);
      if (!config) {
        std::cerr << config.error().message << "\n";
        exit_code = kConfig;
        return;
      }
      auto manager = secrets::SecretsManager::create(secrets::settings_from_config(*config));
      if (!manager) {
        std::cerr << manager.error().message << "\n";
        exit_code = kConfig;
        return;
      }
      const Status status = mount ? manager->mount_views() : manager->release_all();
      if (!status) {
        std::cerr << "secret-views " << (mount ? "mount" : "unmount") << ": "
                  << status.error().message << "\n";
        exit_code = kFailed;
        return;
      }
      exit_code = kOk;
    });
  }
}

}  // namespace openclawd::cli
