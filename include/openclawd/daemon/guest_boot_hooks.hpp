#pragma once
// What happens around each guest boot in the daemon: the secrets module stages
// the VM's secrets (fresh per-boot tokens, the read-only view) and names the
// directory to share as "secrets"; the network makes the VM's tap and attaches
// it to the bridge. After the guest is gone its tap is removed.
// Either part may be absent (no secrets configured, network not managed).

#include <memory>

#include "openclawd/net/host_network.hpp"
#include "openclawd/secrets/guest_secrets.hpp"
#include "openclawd/vm/boot_hooks.hpp"

namespace openclawd::daemon {

class GuestBootHooks final : public vm::BootHooks {
 public:
  // `secrets` and `network` may be null; they must outlive the hooks.
  GuestBootHooks(secrets::GuestSecrets* secrets, net::HostNetwork* network)
      : secrets_(secrets), network_(network) {}

  Result<vm::BootResources> before_boot(const config::VmConfig& vm) override;
  void after_stop(const config::VmConfig& vm) override;

 private:
  secrets::GuestSecrets* secrets_;
  net::HostNetwork* network_;
};

}  // namespace openclawd::daemon
