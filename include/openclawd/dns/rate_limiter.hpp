#pragma once
// Per-client token bucket: `rate` queries per second with a burst of `rate`.

#include <chrono>
#include <cstdint>
#include <unordered_map>

namespace openclawd::dns {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(int rate_per_second) : rate_(rate_per_second) {}

  // Takes one token for `client`; false when the client is over its rate.
  bool admit(std::uint32_t client, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  int rate_;
  std::unordered_map<std::uint32_t, Bucket> buckets_;
};

}  // namespace openclawd::dns
