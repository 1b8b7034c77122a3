#pragma once
// Time as the supervisor sees it: now, and a callback after a delay. The real
// one runs on the asio io_context; tests drive a fake one by hand.

#include <chrono>
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace openclawd::vm {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::milliseconds;
  // Destroying (or cancel()ing) it cancels the pending callback.
  class Timer {
   public:
    virtual ~Timer() = default;
    virtual void cancel() = 0;
  };

  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  virtual std::unique_ptr<Timer> call_after(duration delay, std::function<void()> callback) = 0;
};

std::unique_ptr<Clock> make_asio_clock(boost::asio::io_context& io);

}  // namespace openclawd::vm
