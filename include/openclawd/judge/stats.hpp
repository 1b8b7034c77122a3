#pragma once
// Counters and latency percentiles of the judge, for `openclawd status`.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace openclawd::judge {

struct LatencyPercentiles {
  std::size_t samples = 0;
  std::chrono::microseconds p50{0};
  std::chrono::microseconds p90{0};
  std::chrono::microseconds p99{0};
  std::chrono::microseconds max{0};
};

// The snapshot the daemon's status includes.
struct JudgeStats {
  std::uint64_t text_checks = 0;    // judge_text calls
  std::uint64_t intent_checks = 0;  // check_intent calls
  std::uint64_t cache_hits = 0;
  std::uint64_t api_calls = 0;  // HTTP attempts, retries included
  std::uint64_t retries = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t api_failures = 0;  // attempts that failed (transport, timeout, HTTP, body)
  std::uint64_t unparseable = 0;   // answers that were not a valid verdict
  std::uint64_t schema_fallbacks = 0;
  std::uint64_t breaker_rejections = 0;  // calls not made because the breaker was open
  std::uint64_t injections = 0;          // flagged verdicts
  std::uint64_t benign = 0;
  std::uint64_t intent_blocks = 0;
  std::uint64_t fail_open = 0;  // errors let through
  std::uint64_t fail_closed = 0;
  std::string breaker_state = "closed";
  LatencyPercentiles latency;  // of checks that reached the API (not cache hits)
};

nlohmann::json to_json(const JudgeStats& stats);

// Percentiles (nearest rank) over the last `window` samples. Thread-safe.
class LatencyRecorder {
 public:
  explicit LatencyRecorder(std::size_t window);
  void record(std::chrono::microseconds latency);
  LatencyPercentiles percentiles() const;

 private:
  const std::size_t window_;
  mutable std::mutex mutex_;
  std::vector<std::chrono::microseconds> samples_;
  std::size_t next_ = 0;
};

}  // namespace openclawd::judge
