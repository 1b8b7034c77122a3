#include "openclawd/secrets/secrets_service.hpp"

#include <fmt/format.h>

#include "openclawd/core/log.hpp"

namespace openclawd::secrets {

SecretsSettings settings_from_config(const config::Config& config) {
  SecretsSettings settings;
  settings.state_dir = config.state_dir;
  settings.admin_dir = config.secrets.admin_dir;
  settings.owner = config.secrets.owner;
  settings.group = config.secrets.group;
  settings.read_only_view = config.secrets.read_only_view;
  for (const auto& vm : config.vms) {
    VmSecretsSettings entry{vm.name, {}};
    const auto& secrets = vm.secrets;
    for (const auto& token : secrets.tokens) {
      entry.generators.push_back(
          TokenGenerator{token.file, static_cast<std::size_t>(token.bytes), token.renew_on_boot});
    }
    if (secrets.ssh_key.present) {
      entry.generators.push_back(SshKeyGenerator{secrets.ssh_key.authorized_keys_file,
                                                 secrets.ssh_key.comment,
                                                 secrets.ssh_key.gate_command});
    }
    for (const auto& copy : secrets.ssh_key_copies) {
      entry.generators.push_back(SshKeyCopyGenerator{copy.file, copy.from_vm, 0400});
    }
    if (secrets.env_file.present) {
      EnvFileGenerator env;
      env.file = secrets.env_file.file;
      for (const auto& v : secrets.env_file.from_admin_files) {
        env.from_admin_files.push_back({v.variable, v.source});
      }
      for (const auto& v : secrets.env_file.from_secrets) {
        env.from_secrets.push_back({v.variable, v.source});
      }
      for (const auto& v : secrets.env_file.fixed) env.fixed[v.variable] = v.source;
      entry.generators.push_back(std::move(env));
    }
    for (const auto& file : secrets.admin_files) {
      entry.generators.push_back(AdminFileCopy{file.file, file.admin_file, file.required});
    }
    settings.vms.push_back(std::move(entry));
  }
  return settings;
}

SecretsService::SecretsService(std::shared_ptr<SecretsManager> manager,
                               control::CommandRegistry& commands)
    : manager_(std::move(manager)) {
  commands.add_sync(
      "rotate", "Renew a VM's secrets now: {\"vm\": NAME, \"secret\": FILE (optional)}", true,
      [manager = manager_](const control::Request& request, const control::Peer&) {
        using control::Response;
        using control::ResultCode;
        const auto& args = request.arguments;
        if (!args.contains("vm") || !args["vm"].is_string()) {
          return Response::failure(ResultCode::bad_request,
                                   "rotate needs {\"vm\": NAME} and optionally {\"secret\": FILE}");
        }
        std::optional<std::string> secret;
        if (args.contains("secret") && !args["secret"].is_null()) {
          if (!args["secret"].is_string()) {
            return Response::failure(ResultCode::bad_request, "\"secret\" must be a file name");
          }
          secret = args["secret"].get<std::string>();
        }
        const auto vm = args["vm"].get<std::string>();
        auto status = manager->rotate(vm, secret);
        if (!status) return Response::failure(ResultCode::error, status.error().message);
        // Names only: the new values never leave the secrets directory.
        return Response::ok(
            fmt::format("rotated {} of VM {}", secret.value_or("every secret"), vm));
      });
}

Status SecretsService::start() {
  return manager_->create_directories();
}

void SecretsService::stop() {
  if (auto status = manager_->release_all(); !status) {
    spdlog::error("secrets: {}", status.error().message);
  }
}

nlohmann::json SecretsService::status() const {
  return manager_->status();
}

}  // namespace openclawd::secrets
