#pragma once
// The daemon: one io_context, the control socket, the modules' services and
// the guest supervisor; sd_notify READY/STOPPING/WATCHDOG under systemd; a
// clean shutdown on SIGTERM/SIGINT.

#include <memory>

#include "openclawd/config/config.hpp"
#include "openclawd/daemon/service.hpp"

namespace openclawd::daemon {

// Process exit codes of `openclawd daemon` (docs/operations.md).
enum ExitCode : int {
  kExitOk = 0,            // clean shutdown after SIGTERM/SIGINT
  kExitFailure = 1,       // a service failed at start or at run time
  kExitUsage = 2,         // bad command line
  kExitConfig = 3,        // the config is invalid
  kExitControlSocket = 4  // the control socket cannot be created (another daemon?)
};

class Daemon {
 public:
  explicit Daemon(config::Config config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until SIGTERM/SIGINT (or a fatal error); returns an ExitCode.
  int run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace openclawd::daemon
