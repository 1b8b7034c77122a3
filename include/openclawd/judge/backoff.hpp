#pragma once
// Bounded exponential backoff between retries of a failed judge call.

#include <chrono>

namespace openclawd::judge {

struct BackoffPolicy {
  std::chrono::milliseconds initial{100};
  std::chrono::milliseconds max{1000};
  double multiplier = 2.0;

  // The wait before retry number `retry` (0 = the first retry):
  // initial * multiplier^retry, never more than max, never negative.
  std::chrono::milliseconds delay(int retry) const;
};

}  // namespace openclawd::judge
