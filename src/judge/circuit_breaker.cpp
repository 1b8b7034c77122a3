#include "openclawd/judge/circuit_breaker.hpp"

#include <algorithm>

namespace openclawd::judge {

std::string_view to_string(BreakerState state) {
  switch (state) {
    case BreakerState::closed:
      return "closed";
    case BreakerState::open:
      return "open";
    case BreakerState::half_open:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(int failure_threshold, std::chrono::milliseconds open_for,
                               SteadyClock clock)
    : failure_threshold_(std::max(failure_threshold, 1)),
      open_for_(open_for),
      clock_(std::move(clock)) {}

BreakerState CircuitBreaker::state_locked(std::chrono::steady_clock::time_point now) const {
  if (!open_) return BreakerState::closed;
  return now - opened_at_ >= open_for_ ? BreakerState::half_open : BreakerState::open;
}

bool CircuitBreaker::allow() {
  std::lock_guard lock(mutex_);
  switch (state_locked(clock_())) {
    case BreakerState::closed:
      return true;
    case BreakerState::open:
      return false;
    case BreakerState::half_open:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(mutex_);
  consecutive_failures_ = 0;
  open_ = false;
  trial_in_flight_ = false;
}

void CircuitBreaker::record_failure() {
  std::lock_guard lock(mutex_);
  ++consecutive_failures_;
  // A failed trial re-opens at once; a closed breaker opens at the threshold.
  if (trial_in_flight_ || consecutive_failures_ >= failure_threshold_) {
    open_ = true;
    opened_at_ = clock_();
  }
  trial_in_flight_ = false;
}

void CircuitBreaker::release() {
  std::lock_guard lock(mutex_);
  trial_in_flight_ = false;
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_locked(clock_());
}

int CircuitBreaker::consecutive_failures() const {
  std::lock_guard lock(mutex_);
  return consecutive_failures_;
}

}  // namespace openclawd::judge
