#pragma once
// sd_notify wrapper: a no-op when not started by systemd (NOTIFY_SOCKET unset).

#include <chrono>
#include <optional>
#include <string>

namespace openclawd::daemon {

class SystemdNotifier {
 public:
  void ready(const std::string& status);
  void stopping(const std::string& status);
  void status(const std::string& status);
  void watchdog();
  // The interval at which to ping the watchdog (half of WATCHDOG_USEC), if enabled.
  std::optional<std::chrono::microseconds> watchdog_interval() const;
};

}  // namespace openclawd::daemon
