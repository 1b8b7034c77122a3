// Breaker, cache, backoff, dangerous-tool policy and latency percentiles, with
// a fake clock where time matters.
#include <gtest/gtest.h>

#include "openclawd/judge/backoff.hpp"
#include "openclawd/judge/circuit_breaker.hpp"
#include "openclawd/judge/stats.hpp"
#include "openclawd/judge/tool_policy.hpp"
#include "openclawd/judge/verdict_cache.hpp"

namespace openclawd::judge {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  SteadyClock function() {
    return [this] { return now; };
  }
};

TEST(JudgeCircuitBreaker, OpensAfterConsecutiveFailuresAndProbesOnce) {
  FakeClock clock;
  CircuitBreaker breaker(3, 10s, clock.function());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(breaker.allow());
    breaker.record_failure();
  }
  breaker.record_success();  // a success resets the count
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(breaker.allow());
    breaker.record_failure();
  }
  EXPECT_EQ(breaker.state(), BreakerState::open);
  EXPECT_FALSE(breaker.allow());
  clock.now += 10s;
  EXPECT_EQ(breaker.state(), BreakerState::half_open);
  EXPECT_TRUE(breaker.allow());
  EXPECT_FALSE(breaker.allow());  // only one trial at a time
  breaker.record_failure();       // the trial failed: open again for 10 s
  EXPECT_FALSE(breaker.allow());
  clock.now += 10s;
  EXPECT_TRUE(breaker.allow());
  breaker.record_success();
  EXPECT_EQ(breaker.state(), BreakerState::closed);
  EXPECT_TRUE(breaker.allow());
}

TEST(JudgeCircuitBreaker, AReleasedTrialLetsTheNextCallerProbe) {
  FakeClock clock;
  CircuitBreaker breaker(1, 5s, clock.function());
  ASSERT_TRUE(breaker.allow());
  breaker.record_failure();
  clock.now += 5s;
  ASSERT_TRUE(breaker.allow());
  EXPECT_FALSE(breaker.allow());
  breaker.release();  // the trial was never sent
  EXPECT_TRUE(breaker.allow());
  EXPECT_EQ(breaker.consecutive_failures(), 1);
}

TEST(JudgeVerdictCache, EvictsTheLeastRecentlyUsed) {
  FakeClock clock;
  VerdictCache cache(2, 60s, clock.function());
  cache.put("a", 1);
  cache.put("b", 2);
  ASSERT_TRUE(cache.get("a"));  // "a" is now the most recent
  cache.put("c", 3);
  EXPECT_TRUE(cache.get("a"));
  EXPECT_FALSE(cache.get("b"));
  EXPECT_EQ(cache.get("c").value(), 3);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(JudgeVerdictCache, ExpiresEntriesAfterTheTtl) {
  FakeClock clock;
  VerdictCache cache(8, 60s, clock.function());
  cache.put("a", 1);
  clock.now += 59s;
  EXPECT_TRUE(cache.get("a"));
  clock.now += 1s;
  EXPECT_FALSE(cache.get("a"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(JudgeVerdictCache, ZeroCapacityCachesNothing) {
  FakeClock clock;
  VerdictCache cache(0, 60s, clock.function());
  cache.put("a", 1);
  EXPECT_FALSE(cache.get("a"));
}

TEST(JudgeContentHash, SeparatesPartsAndIsStable) {
  EXPECT_EQ(content_hash({"text", "email", "hello"}), content_hash({"text", "email", "hello"}));
  EXPECT_NE(content_hash({"text", "email", "hello"}), content_hash({"text", "emailh", "ello"}));
  EXPECT_EQ(content_hash({""}).size(), 64u);
  EXPECT_EQ(content_hash({"abc"}),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(JudgeBackoffPolicy, GrowsAndIsBounded) {
  BackoffPolicy policy{100ms, 1000ms, 2.0};
  EXPECT_EQ(policy.delay(0), 100ms);
  EXPECT_EQ(policy.delay(1), 200ms);
  EXPECT_EQ(policy.delay(3), 800ms);
  EXPECT_EQ(policy.delay(4), 1000ms);
  EXPECT_EQ(policy.delay(10000), 1000ms);
}

TEST(JudgeDangerousToolPolicy, MatchesNamesPrefixesAndCommandLines) {
  DangerousToolPolicy policy({"exec", "delete*"}, {"gog gmail send", "rm "});
  EXPECT_EQ(policy.match("EXEC", nlohmann::json::object()), "exec");
  EXPECT_EQ(policy.match("delete_file", nlohmann::json::object()), "delete*");
  EXPECT_EQ(policy.match("ssh", {{"command", "gog  gmail\tsend --to x@example.com"}}),
            "gog gmail send");
  EXPECT_EQ(policy.match("ssh", {{"command", "cd /tmp && rm -rf x"}}), "rm ");
  EXPECT_EQ(policy.match("ssh", {{"argv", {"gog", "gmail", "send"}}}), "gog gmail send");
  EXPECT_EQ(policy.match("ssh", {{"command", "rmdir x"}}), "");
  EXPECT_EQ(policy.match("read_file", {{"path", "/etc/hosts"}}), "");
}

TEST(JudgeLatencyRecorder, ComputesNearestRankPercentilesOverTheWindow) {
  LatencyRecorder recorder(100);
  for (int i = 1; i <= 100; ++i) recorder.record(std::chrono::microseconds(i * 1000));
  auto percentiles = recorder.percentiles();
  EXPECT_EQ(percentiles.samples, 100u);
  EXPECT_EQ(percentiles.p50, 50ms);
  EXPECT_EQ(percentiles.p90, 90ms);
  EXPECT_EQ(percentiles.p99, 99ms);
  EXPECT_EQ(percentiles.max, 100ms);
  // The window slides: 100 new samples of 1 ms replace the old ones.
  for (int i = 0; i < 100; ++i) recorder.record(1ms);
  EXPECT_EQ(recorder.percentiles().max, 1ms);
}

}  // namespace
}  // namespace openclawd::judge
