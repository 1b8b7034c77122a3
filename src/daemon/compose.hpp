#pragma once
// The one place that decides which modules the daemon runs. Each module adds
// its Service here (in start order) and registers its control commands.

#include <memory>
#include <vector>

#include "openclawd/daemon/service.hpp"

namespace openclawd::daemon {

struct Composition {
  // Objects the services and the supervisor point to; declared first so they
  // are destroyed last.
  std::vector<std::shared_ptr<void>> shared_parts;
  std::vector<std::unique_ptr<Service>> services;  // started in this order
  std::unique_ptr<GuestSupervisor> supervisor;     // null: guests are not managed
};

Result<Composition> compose(DaemonContext& context);

}  // namespace openclawd::daemon
