#pragma once
// The daemon's own control commands: version, status, start, stop, restart.

#include <chrono>
#include <memory>
#include <vector>

#include "openclawd/daemon/service.hpp"

namespace openclawd::daemon {

struct DaemonState {
  const config::Config& config;
  std::chrono::steady_clock::time_point started_at;
  const std::vector<std::unique_ptr<Service>>& services;
  GuestSupervisor* supervisor;  // may be null
  bool stopping = false;
};

void register_daemon_commands(control::CommandRegistry& commands, DaemonState& state);

// The whole `status` document (also used by tests).
nlohmann::json build_status(const DaemonState& state);

}  // namespace openclawd::daemon
