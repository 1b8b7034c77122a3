#include "libvirt_event_thread.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <mutex>
#include <thread>

#include "openclawd/core/log.hpp"

namespace openclawd::vm {

Status ensure_libvirt_event_thread() {
  // libvirt's default event implementation is process-wide, so there is
  // exactly one loop thread per process, started by the first connection and
  // left running until exit (it only waits in poll()).
  static std::once_flag once;
  static int registered = -1;
  std::call_once(once, [] {
    // libvirt prints every error to stderr by default; ours are returned as
    // Result errors and logged by the caller instead.
    virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
    registered = virEventRegisterDefaultImpl();
    if (registered == 0) {
      std::thread([] {
        for (;;) {
          if (virEventRunDefaultImpl() < 0) {
            spdlog::error("libvirt event loop: {}", virGetLastErrorMessage());
          }
        }
      }).detach();
    }
  });
  if (registered != 0) {
    return make_error(std::string("cannot set up libvirt's event loop: ") +
                      virGetLastErrorMessage());
  }
  return ok_status();
}

}  // namespace openclawd::vm
