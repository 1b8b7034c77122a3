#pragma once
// The secrets module as a daemon part: builds the SecretsManager from the
// config, creates every VM's directory at start, unmounts the read-only views
// at stop, shows file names/modes in `status` and answers the `rotate` command.
// The VM supervisor gets the manager (as GuestSecrets) to call before each boot.

#include <memory>

#include "openclawd/config/config.hpp"
#include "openclawd/daemon/service.hpp"
#include "openclawd/secrets/secrets_manager.hpp"

namespace openclawd::secrets {

// The generators of every VM, in the order docs/secrets.md gives.
SecretsSettings settings_from_config(const config::Config& config);

class SecretsService final : public daemon::Service {
 public:
  // Registers `rotate` on `commands`.
  SecretsService(std::shared_ptr<SecretsManager> manager, control::CommandRegistry& commands);

  std::string_view name() const override { return "secrets"; }
  Status start() override;
  void stop() override;
  nlohmann::json status() const override;

  const std::shared_ptr<SecretsManager>& manager() const { return manager_; }

 private:
  std::shared_ptr<SecretsManager> manager_;
};

}  // namespace openclawd::secrets
