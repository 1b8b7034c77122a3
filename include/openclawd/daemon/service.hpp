#pragma once
// How a module plugs into the daemon. A Service is a long-running part (the DNS
// frontend, the firewall, the defender API ...): started in order on the event
// loop thread before the daemon reports READY, stopped in reverse order.
// A GuestSupervisor (the vm module) answers start/stop/restart of guests.

#include <boost/asio/io_context.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/config/config.hpp"
#include "openclawd/control/command_registry.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::daemon {

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view name() const = 0;
  virtual Status start() = 0;
  virtual void stop() = 0;
  // Shown under "services"/<name> by `status`; null to show nothing.
  virtual nlohmann::json status() const { return nullptr; }
};

class GuestSupervisor {
 public:
  using Done = std::function<void(Status)>;
  virtual ~GuestSupervisor() = default;
  // `vms` empty means every configured VM; start follows dependency order,
  // stop the reverse. `done` is called once, on the event loop thread.
  virtual void start(const std::vector<std::string>& vms, Done done) = 0;
  virtual void stop(const std::vector<std::string>& vms, Done done) = 0;
  virtual void restart(const std::vector<std::string>& vms, Done done) = 0;
  // Boots the autostart VMs (called once the daemon's services are up).
  virtual void start_autostart(Done done) = 0;
  // The daemon is exiting: release what must be released (guests keep running
  // unless the supervisor's policy says otherwise).
  virtual void shutdown(Done done) = 0;
  // One entry per configured VM: name, state, uptime_s, restarts, last_exit, pid.
  virtual nlohmann::json vm_status() const = 0;
};

// What a module gets to build its part of the daemon.
struct DaemonContext {
  boost::asio::io_context& io;
  const config::Config& config;
  control::CommandRegistry& commands;
};

}  // namespace openclawd::daemon
