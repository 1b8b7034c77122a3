#include "openclawd/daemon/guest_boot_hooks.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace openclawd::daemon {

namespace {

bool shares_secrets(const config::VmConfig& vm) {
  return std::any_of(vm.shares.begin(), vm.shares.end(),
                     [](const config::ShareConfig& share) { return share.source == "secrets"; });
}

bool has_secrets(const config::VmConfig& vm) {
  const auto& s = vm.secrets;
  return !s.tokens.empty() || s.ssh_key.present || !s.ssh_key_copies.empty() ||
         s.env_file.present || !s.admin_files.empty();
}

}  // namespace

Result<vm::BootResources> GuestBootHooks::before_boot(const config::VmConfig& vm) {
  vm::BootResources resources;
  // Secrets before the tap: a guest must never run with last boot's tokens,
  // so a failure here stops the boot before anything else is made.
  if (secrets_ != nullptr && (has_secrets(vm) || shares_secrets(vm))) {
    if (auto prepared = secrets_->prepare_for_boot(vm.name); !prepared) {
      return prepared.error().context(fmt::format("secrets of {}", vm.name));
    }
    if (shares_secrets(vm)) resources.secrets_dir = secrets_->guest_share(vm.name);
  } else if (shares_secrets(vm)) {
    return make_error(
        fmt::format("VM {} shares \"secrets\" but the daemon manages no secrets for it", vm.name));
  }
  if (network_ != nullptr) {
    if (auto attached = network_->attach_guest(vm.name); !attached) {
      return attached.error().context(fmt::format("tap {} of {}", vm.network.tap, vm.name));
    }
  }
  return resources;
}

void GuestBootHooks::after_stop(const config::VmConfig& vm) {
  if (network_ == nullptr) return;
  if (auto removed = network_->detach_guest(vm.name); !removed) {
    // Not fatal: the next boot's attach reuses or reports the tap.
    spdlog::warn("guest {}: removing tap {}: {}", vm.name, vm.network.tap, removed.error().message);
  }
}

}  // namespace openclawd::daemon
