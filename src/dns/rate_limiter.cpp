#include "openclawd/dns/rate_limiter.hpp"

#include <algorithm>

namespace openclawd::dns {

bool RateLimiter::admit(std::uint32_t client, Clock::time_point now) {
  if (rate_ <= 0) return true;
  // Forget idle clients now and then so the table cannot grow without bound.
  if (buckets_.size() > 4096) {
    std::erase_if(buckets_, [&](const auto& entry) {
      return now - entry.second.last > std::chrono::seconds(10);
    });
  }
  auto [it, inserted] = buckets_.try_emplace(client, Bucket{static_cast<double>(rate_), now});
  Bucket& bucket = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - bucket.last).count();
    bucket.tokens = std::min<double>(rate_, bucket.tokens + elapsed * rate_);
    bucket.last = now;
  }
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

}  // namespace openclawd::dns
