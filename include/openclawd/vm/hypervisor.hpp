#pragma once
// What the supervisor needs from a hypervisor: start a transient domain from
// its XML, ask it to power off, kill it, list what runs, and hear when a
// domain stops. The real one talks to libvirtd (libvirt_hypervisor.hpp); tests
// hand the supervisor a double.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::vm {

// Why a domain is no longer running.
enum class ExitReason {
  shutdown,   // the guest powered itself off (clean)
  crashed,    // the guest crashed (panic with on_crash=destroy)
  failed,     // the hypervisor process died or failed to start
  destroyed,  // killed from outside (virsh destroy, or our own stop)
  unknown,    // the domain vanished while libvirtd was away
};

std::string_view to_string(ExitReason reason);

struct RunningDomain {
  std::string name;
  std::optional<int> pid;  // of the hypervisor (qemu) process
};

struct DomainStopped {
  std::string name;
  ExitReason reason;
};

class Hypervisor {
 public:
  using StoppedHandler = std::function<void(const DomainStopped&)>;
  // Called after a lost libvirtd connection is back: domain events may have
  // been missed, so the listener re-reads what runs.
  using ReconnectedHandler = std::function<void()>;

  virtual ~Hypervisor() = default;

  // Handlers are called on the caller's event loop thread.
  virtual void on_stopped(StoppedHandler handler) = 0;
  virtual void on_reconnected(ReconnectedHandler handler) = 0;

  // Creates and boots a transient domain; returns the hypervisor process id
  // when known.
  virtual Result<std::optional<int>> start(const std::string& name, const std::string& xml) = 0;
  // Asks the guest to power off (ACPI power button).
  virtual Status shutdown(const std::string& name) = 0;
  // Kills the domain at once.
  virtual Status destroy(const std::string& name) = 0;
  // Running domains whose name starts with `prefix`.
  virtual Result<std::vector<RunningDomain>> list_running(const std::string& prefix) = 0;
};

}  // namespace openclawd::vm
