#include "openclawd/secrets/secrets_manager.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <type_traits>

#include "openclawd/core/log.hpp"
#include "openclawd/secrets/env_file.hpp"
#include "openclawd/secrets/read_only_view.hpp"
#include "openclawd/secrets/ssh_key.hpp"
#include "openclawd/secrets/token.hpp"

namespace openclawd::secrets {
namespace {

constexpr const char* kPrivateKeyFile = "ssh-key";
constexpr const char* kPublicKeyFile = "ssh-key.pub";
constexpr mode_t kParentMode = 0711;  // traversable by virtiofsd's user, not listable
constexpr mode_t kKeyStoreMode = 0700;
constexpr mode_t kKeyFileMode = 0400;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// The file a generator writes (what `rotate VM <secret>` names).
std::string output_file(const Generator& generator) {
  return std::visit(Overloaded{[](const TokenGenerator& g) { return g.file; },
                               [](const SshKeyGenerator& g) { return g.authorized_keys_file; },
                               [](const SshKeyCopyGenerator& g) { return g.file; },
                               [](const EnvFileGenerator& g) { return g.file; },
                               [](const AdminFileCopy& g) { return g.file; }},
                    generator);
}

bool is_plain_file_name(const std::string& name) {
  return !name.empty() && name.front() != '.' && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

bool is_safe_relative_path(const std::string& name) {
  if (name.empty() || name.front() == '/') return false;
  for (const auto& part : std::filesystem::path(name)) {
    if (part == "..") return false;
  }
  return true;
}

Status validate(const SecretsSettings& settings) {
  std::map<std::string, const VmSecretsSettings*> by_name;
  for (const auto& vm : settings.vms) {
    if (!is_plain_file_name(vm.vm)) {
      return make_error(fmt::format("secrets: VM name '{}' cannot name a directory", vm.vm));
    }
    if (!by_name.emplace(vm.vm, &vm).second) {
      return make_error(fmt::format("secrets: VM '{}' is listed twice", vm.vm));
    }
  }
  for (const auto& vm : settings.vms) {
    std::set<std::string> files;
    std::set<std::string> tokens_so_far;
    for (const auto& generator : vm.generators) {
      const std::string file = output_file(generator);
      if (!is_plain_file_name(file)) {
        return make_error(
            fmt::format("secrets: VM '{}': file name '{}' must be a plain name "
                        "(no '/', not starting with '.')",
                        vm.vm, file));
      }
      if (!files.insert(file).second) {
        return make_error(fmt::format("secrets: VM '{}': two generators write '{}'", vm.vm, file));
      }
      Status status = std::visit(
          Overloaded{
              [&](const TokenGenerator& g) -> Status {
                tokens_so_far.insert(g.file);
                if (g.bytes == 0 || g.bytes > 4096) {
                  return make_error(
                      fmt::format("secrets: VM '{}': token '{}' has {} bytes; use 1 to 4096", vm.vm,
                                  g.file, g.bytes));
                }
                return ok_status();
              },
              [&](const SshKeyGenerator& g) -> Status {
                if (g.gate_command.empty() || g.gate_command.front() != '/') {
                  return make_error(fmt::format(
                      "secrets: VM '{}': the SSH key's gate command must be an absolute path",
                      vm.vm));
                }
                return ok_status();
              },
              [&](const SshKeyCopyGenerator& g) -> Status {
                auto owner = by_name.find(g.from_vm);
                bool has_key = owner != by_name.end() &&
                               std::any_of(owner->second->generators.begin(),
                                           owner->second->generators.end(), [](const Generator& o) {
                                             return std::holds_alternative<SshKeyGenerator>(o);
                                           });
                if (!has_key) {
                  return make_error(fmt::format(
                      "secrets: VM '{}': '{}' copies the SSH key of '{}', which has no ssh_key "
                      "generator; add one to that VM or fix the name",
                      vm.vm, g.file, g.from_vm));
                }
                return ok_status();
              },
              [&](const EnvFileGenerator& g) -> Status {
                for (const auto& from : g.from_secrets) {
                  if (!tokens_so_far.count(from.secret)) {
                    return make_error(fmt::format(
                        "secrets: VM '{}': {} in '{}' takes its value from '{}', which is not a "
                        "token listed before it",
                        vm.vm, from.variable, g.file, from.secret));
                  }
                }
                for (const auto& from : g.from_admin_files) {
                  if (!is_safe_relative_path(from.admin_file)) {
                    return make_error(fmt::format(
                        "secrets: VM '{}': admin file '{}' must be relative to the admin "
                        "directory",
                        vm.vm, from.admin_file));
                  }
                }
                return ok_status();
              },
              [&](const AdminFileCopy& g) -> Status {
                if (!is_safe_relative_path(g.admin_file)) {
                  return make_error(fmt::format(
                      "secrets: VM '{}': admin file '{}' must be relative to the admin directory",
                      vm.vm, g.admin_file));
                }
                return ok_status();
              }},
          generator);
      if (!status) return status;
    }
  }
  return ok_status();
}

std::uint32_t random_check_value() {
  std::uint32_t value = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1) value = 0x5eed5eed;
  return value;
}

}  // namespace

std::vector<VmSecretsSettings> reference_generators(const std::string& gate_command) {
  VmSecretsSettings gogcli{"gogcli", {}};
  gogcli.generators.push_back(
      SshKeyGenerator{"authorized-keys", "openclaw-to-gogcli", gate_command});
  gogcli.generators.push_back(AdminFileCopy{"keyring-password", "keyring-password", false});

  VmSecretsSettings openclaw{"openclaw", {}};
  openclaw.generators.push_back(TokenGenerator{"gateway-token", 32, true});
  openclaw.generators.push_back(TokenGenerator{"defender-token", 32, true});
  openclaw.generators.push_back(SshKeyCopyGenerator{"gogcli-ssh-key", "gogcli", 0400});
  EnvFileGenerator env;
  env.file = "gateway-env";
  env.from_admin_files = {{"OPENROUTER_API_KEY", "openrouter-api-key"},
                          {"CEREBRAS_API_KEY", "cerebras-api-key"},
                          {"DISCORD_BOT_TOKEN", "discord-bot-token"},
                          {"BRAVE_API_KEY", "brave-api-key"}};
  // OpenClaw reads OPENCLAW_GATEWAY_TOKEN before its config file, which in the
  // reference pointed gateway.auth.token at the token's path by mistake.
  env.from_secrets = {{"OPENCLAW_GATEWAY_TOKEN", "gateway-token"},
                      {"DEFENDER_API_TOKEN", "defender-token"}};
  env.fixed = {{"DEFENDER_WATCH_FILES", "openclaw.json"},
               {"DEFENDER_PROTECTED_FILES", "openclaw.json"}};
  openclaw.generators.push_back(env);
  openclaw.generators.push_back(AdminFileCopy{"hf-token", "hf-token", false});
  return {gogcli, openclaw};
}

Result<SecretsManager> SecretsManager::create(SecretsSettings settings) {
  if (auto valid = validate(settings); !valid) return valid.error();
  auto owner = resolve_ownership(settings.owner, settings.group);
  if (!owner) return owner.error();
  return SecretsManager(std::move(settings), *owner);
}

SecretsManager::SecretsManager(SecretsSettings settings, Ownership owner)
    : settings_(std::move(settings)), owner_(owner) {}

const VmSecretsSettings* SecretsManager::find(std::string_view vm) const {
  for (const auto& entry : settings_.vms) {
    if (entry.vm == vm) return &entry;
  }
  return nullptr;
}

std::filesystem::path SecretsManager::directory(std::string_view vm) const {
  return settings_.state_dir / "secrets" / std::string(vm);
}
std::filesystem::path SecretsManager::key_store(std::string_view vm) const {
  return settings_.state_dir / "keys" / std::string(vm);
}
std::filesystem::path SecretsManager::view(std::string_view vm) const {
  return settings_.state_dir / "secrets-ro" / std::string(vm);
}
std::filesystem::path SecretsManager::guest_share(std::string_view vm) const {
  return settings_.read_only_view ? view(vm) : directory(vm);
}

std::vector<std::string> SecretsManager::vm_names() const {
  std::vector<std::string> names;
  for (const auto& vm : settings_.vms) names.push_back(vm.vm);
  return names;
}

Status SecretsManager::create_directories() {
  if (auto status = ensure_directory(settings_.state_dir / "secrets", kParentMode); !status) {
    return status;
  }
  for (const auto& vm : settings_.vms) {
    if (auto status = ensure_directory(directory(vm.vm), settings_.directory_mode, owner_);
        !status) {
      return status.error().context(fmt::format("secrets of VM '{}'", vm.vm));
    }
  }
  return ok_status();
}

Status SecretsManager::write_secret(const VmSecretsSettings& vm, const std::string& file,
                                    std::string_view content) {
  auto status =
      write_file_atomically(directory(vm.vm) / file, content, settings_.file_mode, owner_);
  if (!status) return status.error().context(fmt::format("secrets of VM '{}'", vm.vm));
  spdlog::info("secrets: wrote {} for VM {}", file, vm.vm);
  return ok_status();
}

Result<std::string> SecretsManager::ensure_key_pair(const std::string& owner_vm, bool renew,
                                                    std::string* public_line) {
  const auto store = key_store(owner_vm);
  const auto private_path = store / kPrivateKeyFile;
  std::string comment = "openclawd-" + owner_vm;
  if (const auto* owner = find(owner_vm)) {
    for (const auto& generator : owner->generators) {
      if (const auto* ssh = std::get_if<SshKeyGenerator>(&generator)) comment = ssh->comment;
    }
  }
  std::error_code ec;
  if (!renew && std::filesystem::exists(private_path, ec)) {
    auto text = read_small_file(private_path);
    if (!text) return text.error();
    auto key = parse_openssh_private_key(*text);
    if (!key) {
      return make_error(
          fmt::format("{}: {} (remove it, or run `openclawd rotate {} ` to make a "
                      "new key)",
                      private_path.string(), key.error().message, owner_vm));
    }
    if (public_line) *public_line = openssh_public_key_line(*key, comment);
    return std::move(*text);
  }
  if (auto status = ensure_directory(settings_.state_dir / "keys", kKeyStoreMode); !status) {
    return status.error();
  }
  if (auto status = ensure_directory(store, kKeyStoreMode); !status) return status.error();
  auto key = generate_ed25519_key();
  if (!key) return key.error();
  std::string private_text = openssh_private_key(*key, comment, random_check_value());
  std::string public_text = openssh_public_key_line(*key, comment);
  if (auto status = write_file_atomically(store / kPublicKeyFile, public_text + "\n", 0444);
      !status) {
    return status.error();
  }
  if (auto status = write_file_atomically(private_path, private_text, kKeyFileMode); !status) {
    return status.error();
  }
  spdlog::info("secrets: made a new ed25519 key pair for VM {}", owner_vm);
  if (public_line) *public_line = public_text;
  return private_text;
}

Status SecretsManager::run_generators(const VmSecretsSettings& vm, bool boot, bool force,
                                      const std::string& only) {
  if (auto status = create_directories(); !status) return status;
  const auto dir = directory(vm.vm);
  for (const auto& generator : vm.generators) {
    const std::string file = output_file(generator);
    const bool selected = only.empty() || only == file;
    const bool derived = std::holds_alternative<EnvFileGenerator>(generator);
    if (!selected && !derived) continue;
    const bool renew = force && selected;
    std::error_code ec;
    const bool exists = std::filesystem::exists(dir / file, ec);
    Status status = std::visit(
        Overloaded{
            [&](const TokenGenerator& g) -> Status {
              if (exists && !renew && !(boot && g.renew_on_boot)) return ok_status();
              auto token = make_random_token(g.bytes);
              if (!token) return token.error();
              return write_secret(vm, g.file, *token + "\n");
            },
            [&](const SshKeyGenerator& g) -> Status {
              std::string public_line;
              auto private_text = ensure_key_pair(vm.vm, renew, &public_line);
              if (!private_text) return private_text.error();
              auto parsed = parse_openssh_private_key(*private_text);
              if (!parsed) return parsed.error();
              auto line = authorized_keys_line(*parsed, g.comment, g.gate_command);
              if (!line) return line.error();
              if (auto written = write_secret(vm, g.authorized_keys_file, *line + "\n"); !written) {
                return written;
              }
              if (!renew) return ok_status();
              // A new key: every VM holding a copy gets it now, not at its next boot.
              for (const auto& other : settings_.vms) {
                for (const auto& other_generator : other.generators) {
                  const auto* copy = std::get_if<SshKeyCopyGenerator>(&other_generator);
                  if (!copy || copy->from_vm != vm.vm) continue;
                  auto written = write_file_atomically(directory(other.vm) / copy->file,
                                                       *private_text, copy->mode, owner_);
                  if (!written) return written;
                }
              }
              return ok_status();
            },
            [&](const SshKeyCopyGenerator& g) -> Status {
              auto private_text = ensure_key_pair(g.from_vm, false, nullptr);
              if (!private_text) return private_text.error();
              auto status = write_file_atomically(dir / g.file, *private_text, g.mode, owner_);
              if (!status) return status.error().context(fmt::format("secrets of VM '{}'", vm.vm));
              return ok_status();
            },
            [&](const EnvFileGenerator& g) -> Status {
              std::vector<EnvEntry> entries;
              for (const auto& from : g.from_admin_files) {
                const auto path = settings_.admin_dir / from.admin_file;
                if (!std::filesystem::exists(path, ec)) {
                  spdlog::debug("secrets: {} absent, {} left out of {} for VM {}", path.string(),
                                from.variable, g.file, vm.vm);
                  continue;
                }
                auto value = read_small_file(path);
                if (!value) return value.error();
                std::string stripped = strip_final_newline(std::move(*value));
                if (stripped.empty()) {
                  spdlog::warn("secrets: {} is empty, {} left out of {} for VM {}", path.string(),
                               from.variable, g.file, vm.vm);
                  continue;
                }
                entries.push_back(
                    {from.variable, std::move(stripped), "admin file " + path.string()});
              }
              for (const auto& from : g.from_secrets) {
                auto value = read_small_file(dir / from.secret);
                if (!value) return value.error();
                entries.push_back({from.variable, strip_final_newline(std::move(*value)),
                                   "secret " + (dir / from.secret).string()});
              }
              for (const auto& [name, value] : g.fixed) {
                entries.push_back({name, value, "the fixed settings of " + g.file});
              }
              auto content = build_env_file(entries);
              if (!content)
                return content.error().context(fmt::format("secrets of VM '{}'", vm.vm));
              return write_secret(vm, g.file, *content);
            },
            [&](const AdminFileCopy& g) -> Status {
              const auto path = settings_.admin_dir / g.admin_file;
              if (!std::filesystem::exists(path, ec)) {
                if (g.required) {
                  return make_error(
                      fmt::format("secrets of VM '{}': the admin file {} is "
                                  "missing; place it there (it is copied as '{}')",
                                  vm.vm, path.string(), g.file));
                }
                std::filesystem::remove(dir / g.file, ec);  // the admin withdrew it
                return ok_status();
              }
              auto content = read_small_file(path);
              if (!content) return content.error();
              return write_secret(vm, g.file, *content);
            }},
        generator);
    if (!status) return status;
  }
  return ok_status();
}

Status SecretsManager::prepare_for_boot(std::string_view vm) {
  const auto* settings = find(vm);
  if (!settings) {
    return make_error(fmt::format("secrets: VM '{}' has no secrets configured", vm));
  }
  if (auto status = run_generators(*settings, true, false, ""); !status) return status;
  if (settings_.read_only_view) {
    if (auto status = ensure_directory(settings_.state_dir / "secrets-ro", kParentMode); !status) {
      return status;
    }
    if (auto status = mount_read_only_view(directory(vm), view(vm)); !status) return status;
  }
  return ok_status();
}

Status SecretsManager::mount_views() {
  if (auto status = create_directories(); !status) return status;
  if (!settings_.read_only_view) return ok_status();
  if (auto status = ensure_directory(settings_.state_dir / "secrets-ro", kParentMode); !status) {
    return status;
  }
  for (const auto& vm : settings_.vms) {
    if (auto status = mount_read_only_view(directory(vm.vm), view(vm.vm)); !status) {
      return status.error().context(fmt::format("secrets view of VM '{}'", vm.vm));
    }
  }
  return ok_status();
}

Status SecretsManager::rotate(std::string_view vm, std::optional<std::string> secret) {
  const auto* settings = find(vm);
  if (!settings) return make_error(fmt::format("secrets: VM '{}' has no secrets configured", vm));
  if (secret) {
    bool known = std::any_of(settings->generators.begin(), settings->generators.end(),
                             [&](const Generator& g) { return output_file(g) == *secret; });
    if (!known) {
      std::string names;
      for (const auto& g : settings->generators)
        names += (names.empty() ? "" : ", ") + output_file(g);
      return make_error(
          fmt::format("VM '{}' has no secret named '{}'; its secrets are: {}", vm, *secret, names));
    }
  }
  return run_generators(*settings, false, true, secret.value_or(""));
}

Status SecretsManager::release(std::string_view vm) {
  if (!settings_.read_only_view) return ok_status();
  return unmount_view(view(vm));
}

Status SecretsManager::release_all() {
  Status result;
  for (const auto& vm : settings_.vms) {
    if (auto status = release(vm.vm); !status && result) result = status;
  }
  return result;
}

nlohmann::json SecretsManager::status() const {
  nlohmann::json vms = nlohmann::json::object();
  for (const auto& vm : settings_.vms) {
    nlohmann::json files = nlohmann::json::array();
    std::error_code ec;
    for (const auto& generator : vm.generators) {
      const auto path = directory(vm.vm) / output_file(generator);
      struct stat info {};
      if (::stat(path.c_str(), &info) != 0) continue;
      files.push_back({{"name", output_file(generator)},
                       {"mode", fmt::format("{:04o}", info.st_mode & 07777)},
                       {"modified", static_cast<long long>(info.st_mtime)}});
    }
    nlohmann::json entry = {{"directory", directory(vm.vm).string()}, {"files", files}};
    if (settings_.read_only_view) {
      auto state = mount_state(view(vm.vm));
      entry["view"] = view(vm.vm).string();
      entry["view_mounted"] = state.ok() && state->mounted && state->read_only;
    }
    vms[vm.vm] = entry;
  }
  return vms;
}

}  // namespace openclawd::secrets
