#include "openclawd/judge/clock.hpp"

#include <thread>

namespace openclawd::judge {

SteadyClock real_steady_clock() {
  return [] { return std::chrono::steady_clock::now(); };
}

Sleeper real_sleeper() {
  return [](std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); };
}

}  // namespace openclawd::judge
