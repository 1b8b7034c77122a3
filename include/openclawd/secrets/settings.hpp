#pragma once
// What the secrets module is told to do, per VM. Filled from the config's
// /secrets section (docs/config.md) by the daemon, or built directly by tests.
// Generators run in the order listed, so an env file can use a token made
// just before it.

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace openclawd::secrets {

// A random token (OpenSSL's CSPRNG, base64, newline-terminated).
struct TokenGenerator {
  std::string file;           // e.g. "gateway-token"
  std::size_t bytes = 32;     // random bytes before base64 (32 -> 44 characters)
  bool renew_on_boot = true;  // false: made once and kept until rotated
};

// An ed25519 key pair owned by this VM (kept outside every shared directory)
// and the authorized-keys line that forces the gate command.
struct SshKeyGenerator {
  std::string authorized_keys_file = "authorized-keys";
  std::string comment = "openclaw-to-gogcli";
  std::string gate_command;  // absolute path run for every login
};

// A copy of another VM's SSH private key (the client side of SshKeyGenerator).
struct SshKeyCopyGenerator {
  std::string file = "gogcli-ssh-key";
  std::string from_vm = "gogcli";
  // ssh refuses a private key that others may read when it owns the file;
  // 0400 keeps it to the owner (SecretsSettings::owner).
  mode_t mode = 0400;
};

// One `NAME=value` line taken from an admin-provided file, if present.
struct EnvFromAdminFile {
  std::string variable;    // e.g. "OPENROUTER_API_KEY"
  std::string admin_file;  // relative to SecretsSettings::admin_dir
};

// One `NAME=value` line whose value is a token file of the same VM.
struct EnvFromSecret {
  std::string variable;  // e.g. "OPENCLAW_GATEWAY_TOKEN"
  std::string secret;    // e.g. "gateway-token"
};

struct EnvFileGenerator {
  std::string file = "gateway-env";
  std::vector<EnvFromAdminFile> from_admin_files;
  std::vector<EnvFromSecret> from_secrets;
  std::map<std::string, std::string> fixed;  // e.g. DEFENDER_WATCH_FILES
};

// An admin-provided file copied as is (e.g. "keyring-password", "hf-token").
struct AdminFileCopy {
  std::string file;
  std::string admin_file;
  bool required = false;  // false: skipped when the admin has not placed it
};

using Generator = std::variant<TokenGenerator, SshKeyGenerator, SshKeyCopyGenerator,
                               EnvFileGenerator, AdminFileCopy>;

struct VmSecretsSettings {
  std::string vm;
  std::vector<Generator> generators;
};

struct SecretsSettings {
  // <state_dir>/secrets/<vm> holds what the guest sees; <state_dir>/secrets-ro/<vm>
  // is its read-only bind mount (the path to share over virtiofs);
  // <state_dir>/keys/<vm> keeps key pairs, never shared.
  std::filesystem::path state_dir = "/var/lib/openclawd";
  std::filesystem::path admin_dir = "/etc/openclawd/secrets";
  // Owner and group of the per-VM directories and files (user/group names or
  // numbers); empty: the daemon's own (root).
  std::string owner;
  std::string group;
  mode_t directory_mode = 0750;
  mode_t file_mode = 0440;
  // Mount the read-only view (needs CAP_SYS_ADMIN); off only in unprivileged tests.
  bool read_only_view = true;
  std::vector<VmSecretsSettings> vms;
};

// The reference deployment's generators (docs/secrets.md): gogcli gets the key
// pair and authorized-keys; openclaw the gateway and defender tokens, the key
// copy and gateway-env.
std::vector<VmSecretsSettings> reference_generators(const std::string& gate_command);

}  // namespace openclawd::secrets
