#pragma once
// Whether and when a guest that stopped on its own is booted again: the
// policy (always / on-failure / never), exponential backoff, and the
// crash-loop limit (max_restarts within window_s marks the VM failed).

#include <chrono>
#include <deque>

#include "openclawd/config/vm.hpp"
#include "openclawd/vm/hypervisor.hpp"

namespace openclawd::vm {

struct RestartDecision {
  enum class Action { restart, stay_stopped, give_up } action;
  std::chrono::milliseconds delay{0};  // for restart
};

class RestartTracker {
 public:
  explicit RestartTracker(config::RestartConfig config) : config_(config) {}

  // Restarts older than window_s are forgotten, so a guest that stayed up for a
  // whole window starts again from the initial backoff.
  RestartDecision on_exit(ExitReason reason, std::chrono::steady_clock::time_point now);
  // An operator start clears the history.
  void reset() { recent_.clear(); }

 private:
  config::RestartConfig config_;
  std::deque<std::chrono::steady_clock::time_point> recent_;
};

}  // namespace openclawd::vm
