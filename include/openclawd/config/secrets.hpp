#pragma once
// /secrets (where admin files come from, who owns the per-VM directories) and
// /vms/N/secrets (what is generated for one guest). docs/secrets.md explains
// each generator.

#include <filesystem>
#include <string>
#include <vector>

namespace openclawd::config {

struct SecretsConfig {
  std::filesystem::path admin_dir = "/etc/openclawd/secrets";
  std::string owner;  // user name or uid; empty: root
  std::string group;  // group name or gid; empty: root
  bool read_only_view = true;
};

struct TokenSecretConfig {
  std::string file;
  int bytes = 32;
  bool renew_on_boot = true;
};

struct SshKeySecretConfig {
  bool present = false;
  std::string authorized_keys_file = "authorized-keys";
  std::string comment = "openclaw-to-gogcli";
  std::string gate_command;
};

struct SshKeyCopySecretConfig {
  std::string file = "gogcli-ssh-key";
  std::string from_vm;
};

struct EnvVariableConfig {
  std::string variable;
  std::string source;  // admin file, token file or fixed value, by list
};

struct EnvFileSecretConfig {
  bool present = false;
  std::string file = "gateway-env";
  std::vector<EnvVariableConfig> from_admin_files;  // source: file in admin_dir
  std::vector<EnvVariableConfig> from_secrets;      // source: a token of this VM
  std::vector<EnvVariableConfig> fixed;             // source: the value itself
};

struct AdminFileSecretConfig {
  std::string file;
  std::string admin_file;
  bool required = false;
};

// Generators run in this order: tokens, ssh_key, ssh_key_copies, env_file, admin_files.
struct VmSecretsConfig {
  std::vector<TokenSecretConfig> tokens;
  SshKeySecretConfig ssh_key;
  std::vector<SshKeyCopySecretConfig> ssh_key_copies;
  EnvFileSecretConfig env_file;
  std::vector<AdminFileSecretConfig> admin_files;
};

}  // namespace openclawd::config
