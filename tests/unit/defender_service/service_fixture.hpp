#pragma once
// Runs a DefenderService on its own io_context thread for the tests, with the
// shipped rules, a temp decision log and a token file; the HTTP API listens on
// 127.0.0.1 port 0.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/temp_dir.hpp"
#include "openclawd/control/command_registry.hpp"
#include "openclawd/defender_service/defender_service.hpp"

namespace openclawd::defender_service::testing {

using namespace std::chrono_literals;

class DefenderServiceFixture : public ::testing::Test {
 protected:
  DefenderServiceFixture() {
    token_file = dir.write("defender-token", std::string(kToken) + "\n");
    settings.rules = openclawd::testing::source_dir() / "policies" / "defender" / "rules.json";
    settings.log.file = dir / "defender.jsonl";
    ApiSettings api;
    api.listen = *config::Endpoint::parse("127.0.0.1:0");
    api.clients = {*config::Ipv4Interface::parse("127.0.0.0/8")};
    api.token_files = {token_file};
    api.max_body_bytes = 64 * 1024;
    api.request_timeout = 2000ms;
    settings.api = api;
  }

  ~DefenderServiceFixture() override { shut_down(); }

  // Creates and starts the service; false (with a test failure) on error.
  bool start_service() {
    auto created = DefenderService::create(io, settings, commands);
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().message);
    if (!created) return false;
    service = std::move(*created);
    auto started = service->start();
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
    if (!started) return false;
    address = service->api_address();
    io_thread = std::thread([this] { io.run(); });
    return true;
  }

  void shut_down() {
    if (io_thread.joinable()) {
      on_io([this] { service->stop(); });
      work.reset();
      io.stop();
      io_thread.join();
    }
    service.reset();
  }

  // Runs `fn` on the event loop thread and waits for it.
  template <typename Fn>
  auto on_io(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto future = task.get_future();
    boost::asio::post(io, [&task] { task(); });
    return future.get();
  }

  nlohmann::json status() {
    return on_io([this] { return service->status(); });
  }

  // The control command, as the control server would dispatch it.
  control::Response control_scan(nlohmann::json arguments) {
    std::promise<control::Response> answered;
    boost::asio::post(io, [&] {
      commands.dispatch(
          {"scan", std::move(arguments)}, control::Peer{},
          [&answered](control::Response response) { answered.set_value(std::move(response)); });
    });
    return answered.get_future().get();
  }

  std::vector<nlohmann::json> log_lines() const {
    std::vector<nlohmann::json> lines;
    std::ifstream in(settings.log.file);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  std::string log_text() const {
    std::ifstream in(settings.log.file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static constexpr const char* kToken =
      "3f1c0ffee4d2a9b8e7f6a5b4c3d2e1f00a1b2c3d4e5f60718293a4b5c6d7e8f9";

  openclawd::testing::TempDir dir;
  std::filesystem::path token_file;
  DefenderServiceSettings settings;
  boost::asio::io_context io;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
      io.get_executor()};
  control::CommandRegistry commands;
  std::unique_ptr<DefenderService> service;
  std::string address;
  std::thread io_thread;
};

}  // namespace openclawd::defender_service::testing
