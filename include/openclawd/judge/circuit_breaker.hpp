#pragma once
// Stops calling an API that keeps failing. Closed: calls go through; after
// `failure_threshold` consecutive failures it opens and refuses calls for
// `open_for`; then it is half-open and lets exactly one trial call through,
// whose result closes or re-opens it. Thread-safe.

#include <chrono>
#include <mutex>
#include <string_view>

#include "openclawd/judge/clock.hpp"

namespace openclawd::judge {

enum class BreakerState { closed, open, half_open };

std::string_view to_string(BreakerState state);

class CircuitBreaker {
 public:
  CircuitBreaker(int failure_threshold, std::chrono::milliseconds open_for, SteadyClock clock);

  // True when a call may go out now. In half-open state only the first caller
  // gets true until that call reports its result.
  bool allow();
  void record_success();
  void record_failure();
  // The allowed call was never made (no time left): frees a half-open trial
  // without counting anything.
  void release();

  BreakerState state() const;
  int consecutive_failures() const;

 private:
  BreakerState state_locked(std::chrono::steady_clock::time_point now) const;

  const int failure_threshold_;
  const std::chrono::milliseconds open_for_;
  SteadyClock clock_;
  mutable std::mutex mutex_;
  int consecutive_failures_ = 0;
  bool open_ = false;
  bool trial_in_flight_ = false;
  std::chrono::steady_clock::time_point opened_at_{};
};

}  // namespace openclawd::judge
