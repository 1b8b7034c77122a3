#include "systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

namespace openclawd::daemon {

void SystemdNotifier::ready(const std::string& status) {
  sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str());
}

void SystemdNotifier::stopping(const std::string& status) {
  sd_notifyf(0, "STOPPING=1\nSTATUS=%s", status.c_str());
}

void SystemdNotifier::status(const std::string& status) {
  sd_notifyf(0, "STATUS=%s", status.c_str());
}

void SystemdNotifier::watchdog() {
  sd_notify(0, "WATCHDOG=1");
}

std::optional<std::chrono::microseconds> SystemdNotifier::watchdog_interval() const {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

}  // namespace openclawd::daemon
