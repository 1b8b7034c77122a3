#pragma once
// What the VM supervisor needs from the secrets module: stage a guest's secrets
// before each boot and tell it which host directory to share over virtiofs.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::secrets {

class GuestSecrets {
 public:
  virtual ~GuestSecrets() = default;

  // Runs the VM's generators (renewing per-boot tokens) and makes sure its
  // read-only view is mounted. Call before every boot; on error do not boot.
  virtual Status prepare_for_boot(std::string_view vm) = 0;

  // The host path to share as the VM's "secrets" virtiofs source (the
  // read-only view, or the directory itself when the view is disabled).
  virtual std::filesystem::path guest_share(std::string_view vm) const = 0;

  // Renews one secret (a file name, e.g. "gateway-token") or, with no name,
  // every secret the VM has. The guest sees the new files at once; processes
  // that read a value at startup need a restart to use it.
  virtual Status rotate(std::string_view vm, std::optional<std::string> secret) = 0;
};

}  // namespace openclawd::secrets
