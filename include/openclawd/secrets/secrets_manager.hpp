#pragma once
// The real GuestSecrets: per-VM directories under state_dir, generators,
// rotation, read-only views. Secret values never reach a log or an error.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/secrets/file_writer.hpp"
#include "openclawd/secrets/guest_secrets.hpp"
#include "openclawd/secrets/settings.hpp"

namespace openclawd::secrets {

class SecretsManager final : public GuestSecrets {
 public:
  // Checks the settings (unknown VMs in key copies, file names with '/',
  // owner/group that do not exist) before anything is touched.
  static Result<SecretsManager> create(SecretsSettings settings);

  Status prepare_for_boot(std::string_view vm) override;
  std::filesystem::path guest_share(std::string_view vm) const override;
  Status rotate(std::string_view vm, std::optional<std::string> secret) override;

  // Creates every VM's directory (no generators run): the audit watches need
  // them to exist before the first boot.
  Status create_directories();
  // Creates every VM's directory and mounts its read-only view (when
  // read_only_view is on). Run by systemd's ExecStartPre=+ in the host's mount
  // namespace, where virtiofsd sees the views; the sandboxed daemon's own
  // namespace cannot propagate mounts back to the host.
  Status mount_views();
  // Unmounts one VM's read-only view / all of them (daemon stop).
  Status release(std::string_view vm);
  Status release_all();

  // The host directory with the VM's secrets (what audit watches).
  std::filesystem::path directory(std::string_view vm) const;
  std::filesystem::path key_store(std::string_view vm) const;
  std::filesystem::path view(std::string_view vm) const;
  std::vector<std::string> vm_names() const;

  // Names, modification times and modes of the files, never their content.
  nlohmann::json status() const;

 private:
  SecretsManager(SecretsSettings settings, Ownership owner);

  const VmSecretsSettings* find(std::string_view vm) const;
  // Runs the generators of `vm`; `force` renews everything that can be renewed,
  // `only` limits the run to one file (empty: all).
  Status run_generators(const VmSecretsSettings& vm, bool boot, bool force,
                        const std::string& only);
  Status write_secret(const VmSecretsSettings& vm, const std::string& file,
                      std::string_view content);
  Result<std::string> ensure_key_pair(const std::string& owner_vm, bool renew,
                                      std::string* public_line);

  SecretsSettings settings_;
  Ownership owner_;
};

}  // namespace openclawd::secrets
