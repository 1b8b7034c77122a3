#include "openclawd/vm/hypervisor.hpp"
#include "openclawd/vm/supervisor.hpp"

namespace openclawd::vm {

std::string_view to_string(ExitReason reason) {
  switch (reason) {
    case ExitReason::shutdown:
      return "shutdown";
    case ExitReason::crashed:
      return "crashed";
    case ExitReason::failed:
      return "failed";
    case ExitReason::destroyed:
      return "destroyed";
    case ExitReason::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view to_string(VmState state) {
  switch (state) {
    case VmState::stopped:
      return "stopped";
    case VmState::starting:
      return "starting";
    case VmState::running:
      return "running";
    case VmState::stopping:
      return "stopping";
    case VmState::backoff:
      return "backoff";
    case VmState::failed:
      return "failed";
  }
  return "unknown";
}

}  // namespace openclawd::vm
