#pragma once
// The moments other modules act around a guest's life. The supervisor calls
// them; the secrets module stages a fresh gateway token before each boot, the
// network module makes the tap and enslaves it to the bridge before the domain
// starts and removes it once the guest is gone.

#include <filesystem>

#include "openclawd/config/vm.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::vm {

struct BootResources {
  // Host directory shared as the virtiofs share whose source is "secrets";
  // empty when the VM has none.
  std::filesystem::path secrets_dir;
};

class BootHooks {
 public:
  virtual ~BootHooks() = default;
  // Before every boot (first start and each restart). An error stops this
  // boot; the supervisor reports it as a failed start.
  virtual Result<BootResources> before_boot(const config::VmConfig& vm) = 0;
  // After the guest is gone (stopped, crashed or destroyed), before a restart.
  virtual void after_stop(const config::VmConfig& vm) = 0;
};

}  // namespace openclawd::vm
