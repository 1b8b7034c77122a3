#pragma once
// Starts (once per process) the thread that runs libvirt's default event
// loop. Must happen before the first virConnectOpen.

#include "openclawd/core/result.hpp"

namespace openclawd::vm {

Status ensure_libvirt_event_thread();

}  // namespace openclawd::vm
