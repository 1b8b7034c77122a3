#include "openclawd/judge/stats.hpp"

#include <algorithm>
#include <cmath>

namespace openclawd::judge {
namespace {

std::chrono::microseconds nearest_rank(const std::vector<std::chrono::microseconds>& sorted,
                                       double percentile) {
  auto rank = static_cast<std::size_t>(std::ceil(percentile / 100.0 * sorted.size()));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

LatencyRecorder::LatencyRecorder(std::size_t window) : window_(std::max<std::size_t>(window, 1)) {}

void LatencyRecorder::record(std::chrono::microseconds latency) {
  std::lock_guard lock(mutex_);
  if (samples_.size() < window_) {
    samples_.push_back(latency);
  } else {
    samples_[next_] = latency;
  }
  next_ = (next_ + 1) % window_;
}

LatencyPercentiles LatencyRecorder::percentiles() const {
  std::vector<std::chrono::microseconds> sorted;
  {
    std::lock_guard lock(mutex_);
    sorted = samples_;
  }
  LatencyPercentiles result;
  result.samples = sorted.size();
  if (sorted.empty()) return result;
  std::sort(sorted.begin(), sorted.end());
  result.p50 = nearest_rank(sorted, 50);
  result.p90 = nearest_rank(sorted, 90);
  result.p99 = nearest_rank(sorted, 99);
  result.max = sorted.back();
  return result;
}

nlohmann::json to_json(const JudgeStats& stats) {
  auto ms = [](std::chrono::microseconds value) { return value.count() / 1000.0; };
  return {
      {"text_checks", stats.text_checks},
      {"intent_checks", stats.intent_checks},
      {"cache_hits", stats.cache_hits},
      {"api_calls", stats.api_calls},
      {"retries", stats.retries},
      {"timeouts", stats.timeouts},
      {"api_failures", stats.api_failures},
      {"unparseable", stats.unparseable},
      {"schema_fallbacks", stats.schema_fallbacks},
      {"breaker_rejections", stats.breaker_rejections},
      {"injections", stats.injections},
      {"benign", stats.benign},
      {"intent_blocks", stats.intent_blocks},
      {"fail_open", stats.fail_open},
      {"fail_closed", stats.fail_closed},
      {"breaker_state", stats.breaker_state},
      {"latency_ms",
       {{"samples", stats.latency.samples},
        {"p50", ms(stats.latency.p50)},
        {"p90", ms(stats.latency.p90)},
        {"p99", ms(stats.latency.p99)},
        {"max", ms(stats.latency.max)}}},
  };
}

}  // namespace openclawd::judge
