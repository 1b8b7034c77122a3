#include "openclawd/vm/restart_policy.hpp"

#include <gtest/gtest.h>

namespace openclawd::vm {
namespace {

using Action = RestartDecision::Action;
using std::chrono::milliseconds;
using std::chrono::seconds;

config::RestartConfig policy(config::RestartPolicy kind) {
  config::RestartConfig config;
  config.policy = kind;
  config.max_restarts = 4;
  config.window_s = 60;
  config.backoff_initial_ms = 1000;
  config.backoff_max_ms = 5000;
  return config;
}

const std::chrono::steady_clock::time_point t0{std::chrono::hours(1)};

TEST(RestartPolicy, NeverKeepsEveryExitStopped) {
  RestartTracker tracker(policy(config::RestartPolicy::never));
  EXPECT_EQ(tracker.on_exit(ExitReason::crashed, t0).action, Action::stay_stopped);
  EXPECT_EQ(tracker.on_exit(ExitReason::shutdown, t0).action, Action::stay_stopped);
}

TEST(RestartPolicy, OnFailureRestartsFailuresButNotCleanPowerOff) {
  RestartTracker tracker(policy(config::RestartPolicy::on_failure));
  EXPECT_EQ(tracker.on_exit(ExitReason::shutdown, t0).action, Action::stay_stopped);
  EXPECT_EQ(tracker.on_exit(ExitReason::crashed, t0).action, Action::restart);
  EXPECT_EQ(tracker.on_exit(ExitReason::failed, t0).action, Action::restart);
  EXPECT_EQ(tracker.on_exit(ExitReason::destroyed, t0).action, Action::restart);
}

TEST(RestartPolicy, AlwaysRestartsCleanPowerOffToo) {
  RestartTracker tracker(policy(config::RestartPolicy::always));
  EXPECT_EQ(tracker.on_exit(ExitReason::shutdown, t0).action, Action::restart);
}

TEST(RestartPolicy, BackoffDoublesUpToTheCap) {
  auto config = policy(config::RestartPolicy::always);
  config.max_restarts = 10;
  RestartTracker tracker(config);
  std::vector<long> delays;
  for (int i = 0; i < 5; ++i) {
    auto decision = tracker.on_exit(ExitReason::failed, t0 + seconds(i));
    ASSERT_EQ(decision.action, Action::restart);
    delays.push_back(decision.delay.count());
  }
  EXPECT_EQ(delays, (std::vector<long>{1000, 2000, 4000, 5000, 5000}));
}

TEST(RestartPolicy, CrashLoopLimitGivesUp) {
  RestartTracker tracker(policy(config::RestartPolicy::always));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(tracker.on_exit(ExitReason::crashed, t0 + seconds(i)).action, Action::restart);
  }
  EXPECT_EQ(tracker.on_exit(ExitReason::crashed, t0 + seconds(5)).action, Action::give_up);
}

TEST(RestartPolicy, RestartsOutsideTheWindowAreForgotten) {
  RestartTracker tracker(policy(config::RestartPolicy::always));
  for (int i = 0; i < 4; ++i) tracker.on_exit(ExitReason::crashed, t0 + seconds(i));
  // A minute later the old restarts no longer count: backoff starts over.
  auto decision = tracker.on_exit(ExitReason::crashed, t0 + seconds(3) + seconds(61));
  EXPECT_EQ(decision.action, Action::restart);
  EXPECT_EQ(decision.delay, milliseconds(1000));
}

}  // namespace
}  // namespace openclawd::vm
