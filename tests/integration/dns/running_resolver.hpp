#pragma once
// A DnsServer running on its own io_context thread, for tests and benchmarks.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "openclawd/dns/server.hpp"

namespace openclawd::dns::testing {

// Runs a DnsServer on its own io_context thread.
class RunningResolver {
 public:
  RunningResolver(ResolverSettings settings, AllowlistSink* sink)
      : work_(boost::asio::make_work_guard(io_)),
        server_(io_, std::move(settings), nullptr, sink) {}
  Status start() {
    auto status = listen();
    if (status) run();
    return status;
  }
  // Binds the listeners (in the calling thread's network namespace) ...
  Status listen() {
    auto status = server_.start();
    if (status) port_ = server_.bound().at(0).port;
    return status;
  }
  // ... and runs the loop on a new thread (libunbound's worker, started from
  // the loop, inherits that thread's network namespace).
  void run() {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~RunningResolver() {
    if (thread_.joinable()) {
      // The server stops (and libunbound goes) once the loop has ended.
      io_.stop();
      thread_.join();
    }
  }
  std::uint16_t port() const { return port_; }
  nlohmann::json status() {
    std::promise<nlohmann::json> result;
    boost::asio::post(io_, [&] { result.set_value(server_.status()); });
    return result.get_future().get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  DnsServer server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

}  // namespace openclawd::dns::testing
