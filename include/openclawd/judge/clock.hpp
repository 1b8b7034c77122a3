#pragma once
// Time as a dependency: the judge's breaker, cache and backoff take these so
// tests can move time without sleeping.

#include <chrono>
#include <functional>

namespace openclawd::judge {

using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;
using Sleeper = std::function<void(std::chrono::milliseconds)>;

SteadyClock real_steady_clock();
Sleeper real_sleeper();

}  // namespace openclawd::judge
