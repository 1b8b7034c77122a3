#include "openclawd/judge/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace openclawd::judge {

std::chrono::milliseconds BackoffPolicy::delay(int retry) const {
  if (initial.count() <= 0 || max.count() <= 0) return std::chrono::milliseconds{0};
  double factor = std::pow(std::max(multiplier, 1.0), std::max(retry, 0));
  double wanted = static_cast<double>(initial.count()) * factor;
  // Compare in double first: a large retry number must not overflow the cast.
  if (!std::isfinite(wanted) || wanted >= static_cast<double>(max.count())) return max;
  return std::chrono::milliseconds{static_cast<std::chrono::milliseconds::rep>(wanted)};
}

}  // namespace openclawd::judge
