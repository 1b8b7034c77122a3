// Cross-references inside the VMs' secrets: copies of another VM's SSH key,
// env variables taken from the VM's own tokens, file names that collide.
#include <fmt/format.h>

#include <set>

#include "sections.hpp"

namespace openclawd::config {

void validate_secrets(const Config& config, Diagnostics& diagnostics) {
  for (std::size_t i = 0; i < config.vms.size(); ++i) {
    const auto& vm = config.vms[i];
    const auto& secrets = vm.secrets;
    const auto at = [&](std::string_view rest) {
      return fmt::format("/vms/{}/secrets{}", i, rest);
    };

    for (std::size_t c = 0; c < secrets.ssh_key_copies.size(); ++c) {
      const auto& from = secrets.ssh_key_copies[c].from_vm;
      const auto pointer = at(fmt::format("/ssh_key_copies/{}/from_vm", c));
      const VmConfig* source = config.find_vm(from);
      if (from == vm.name) {
        diagnostics.add(pointer, "a VM cannot copy its own SSH key; name the VM that holds it");
      } else if (source == nullptr) {
        diagnostics.add(pointer, fmt::format("unknown VM \"{}\" (not in /vms)", from));
      } else if (!source->secrets.ssh_key.present) {
        diagnostics.add(pointer, fmt::format("VM \"{}\" has no ssh_key to copy (add "
                                             "/vms/N/secrets/ssh_key to it)",
                                             from));
      }
    }

    std::set<std::string> tokens;
    for (const auto& token : secrets.tokens) tokens.insert(token.file);
    for (std::size_t v = 0; v < secrets.env_file.from_secrets.size(); ++v) {
      const auto& source = secrets.env_file.from_secrets[v].source;
      if (!tokens.contains(source)) {
        std::string known;
        for (const auto& t : tokens) known += (known.empty() ? "" : ", ") + t;
        diagnostics.add(at(fmt::format("/env_file/from_secrets/{}/secret", v)),
                        fmt::format("\"{}\" is not a token of VM \"{}\" (its tokens: {})", source,
                                    vm.name, known.empty() ? "none" : known));
      }
    }

    // Every generator writes one file into the same directory.
    std::set<std::string> files;
    auto claim = [&](const std::string& file, const std::string& pointer) {
      if (!files.insert(file).second) {
        diagnostics.add(
            pointer, fmt::format("\"{}\" is written by two secrets of VM \"{}\"", file, vm.name));
      }
    };
    for (std::size_t t = 0; t < secrets.tokens.size(); ++t) {
      claim(secrets.tokens[t].file, at(fmt::format("/tokens/{}/file", t)));
    }
    if (secrets.ssh_key.present) {
      claim(secrets.ssh_key.authorized_keys_file, at("/ssh_key/authorized_keys_file"));
    }
    for (std::size_t c = 0; c < secrets.ssh_key_copies.size(); ++c) {
      claim(secrets.ssh_key_copies[c].file, at(fmt::format("/ssh_key_copies/{}/file", c)));
    }
    if (secrets.env_file.present) claim(secrets.env_file.file, at("/env_file/file"));
    for (std::size_t a = 0; a < secrets.admin_files.size(); ++a) {
      claim(secrets.admin_files[a].file, at(fmt::format("/admin_files/{}/file", a)));
    }
  }
}

}  // namespace openclawd::config
