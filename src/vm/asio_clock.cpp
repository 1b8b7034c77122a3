#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "openclawd/vm/clock.hpp"

namespace openclawd::vm {
namespace {

class AsioTimer : public Clock::Timer {
 public:
  AsioTimer(boost::asio::io_context& io, Clock::duration delay, std::function<void()> callback)
      : timer_(io, delay) {
    timer_.async_wait([callback = std::move(callback)](boost::system::error_code error) {
      if (!error) callback();
    });
  }
  ~AsioTimer() override { timer_.cancel(); }
  void cancel() override { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

class AsioClock : public Clock {
 public:
  explicit AsioClock(boost::asio::io_context& io) : io_(io) {}
  time_point now() const override { return std::chrono::steady_clock::now(); }
  std::unique_ptr<Timer> call_after(duration delay, std::function<void()> callback) override {
    return std::make_unique<AsioTimer>(io_, delay, std::move(callback));
  }

 private:
  boost::asio::io_context& io_;
};

}  // namespace

std::unique_ptr<Clock> make_asio_clock(boost::asio::io_context& io) {
  return std::make_unique<AsioClock>(io);
}

}  // namespace openclawd::vm
