#include "openclawd/vm/restart_policy.hpp"

#include <algorithm>

namespace openclawd::vm {

RestartDecision RestartTracker::on_exit(ExitReason reason,
                                        std::chrono::steady_clock::time_point now) {
  using Action = RestartDecision::Action;
  const bool clean = reason == ExitReason::shutdown;
  if (config_.policy == config::RestartPolicy::never ||
      (config_.policy == config::RestartPolicy::on_failure && clean)) {
    return {Action::stay_stopped};
  }
  const auto window = std::chrono::seconds(config_.window_s);
  while (!recent_.empty() && now - recent_.front() >= window) recent_.pop_front();
  if (static_cast<int>(recent_.size()) >= config_.max_restarts) {
    return {Action::give_up};
  }
  // initial, 2x, 4x, ... capped at backoff_max_ms.
  std::int64_t delay = config_.backoff_initial_ms;
  for (std::size_t i = 0; i < recent_.size() && delay < config_.backoff_max_ms; ++i) delay *= 2;
  delay = std::min<std::int64_t>(delay, config_.backoff_max_ms);
  recent_.push_back(now);
  return {Action::restart, std::chrono::milliseconds(delay)};
}

}  // namespace openclawd::vm
