// What the inference gateway adds to a model call. A fast STUB provider (a
// Beast server on loopback answering a canned chat completion, whole or as
// 40 SSE chunks) is called directly and through the real gateway with the real
// defender (shipped rules), interleaved, over keep-alive connections, with
// 20-message conversations whose tool results are 4 KiB. Prints p50/p99 of
// both and the overhead, and the gateway's own scan time.
//
// Usage: inference_gateway_bench [calls per case, default 300]
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "openclawd/control/command_registry.hpp"
#include "openclawd/defender_service/defender_service.hpp"
#include "openclawd/inference/inference_service.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr const char* kToken = "bench-token-0123456789abcdef0123456789abcdef";

// The stub provider: one thread per connection, canned answers.
class FastStub {
 public:
  FastStub() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  ~FastStub() {
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    thread_.join();
    for (auto& t : connections_) t.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void serve() {
    while (!stopping_) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      connections_.emplace_back([s = std::move(socket)]() mutable { answer(std::move(s)); });
    }
  }

  static void answer(tcp::socket socket) {
    beast::flat_buffer buffer;
    const std::string text = "The weather in Oslo is sunny, 21 degrees. Anything else today?";
    while (true) {
      bhttp::request<bhttp::string_body> request;
      boost::system::error_code ec;
      bhttp::read(socket, buffer, request, ec);
      if (ec) return;
      const bool stream = request.body().find("\"stream\":true") != std::string::npos;
      if (!stream) {
        bhttp::response<bhttp::string_body> response{bhttp::status::ok, 11};
        response.set(bhttp::field::content_type, "application/json");
        response.body() =
            json{{"id", "x"},
                 {"object", "chat.completion"},
                 {"choices",
                  {{{"index", 0},
                    {"message", {{"role", "assistant"}, {"content", text}}},
                    {"finish_reason", "stop"}}}},
                 {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 1}, {"total_tokens", 2}}}}
                .dump();
        response.prepare_payload();
        bhttp::write(socket, response, ec);
        if (ec) return;
        continue;
      }
      bhttp::response<bhttp::empty_body> head{bhttp::status::ok, 11};
      head.set(bhttp::field::content_type, "text/event-stream");
      head.chunked(true);
      bhttp::response_serializer<bhttp::empty_body> serializer(head);
      bhttp::write_header(socket, serializer, ec);
      for (std::size_t i = 0; i < 40 && !ec; ++i) {
        const std::string piece = text.substr((i * text.size()) / 40, text.size() / 40 + 1);
        const std::string event =
            "data: " +
            json{{"id", "x"},
                 {"object", "chat.completion.chunk"},
                 {"choices",
                  {{{"index", 0}, {"delta", {{"content", piece}}}, {"finish_reason", nullptr}}}}}
                .dump() +
            "\n\n";
        boost::asio::write(socket, bhttp::make_chunk(boost::asio::buffer(event)), ec);
      }
      const std::string end =
          "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
          "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
      boost::asio::write(socket, bhttp::make_chunk(boost::asio::buffer(end)), ec);
      boost::asio::write(socket, bhttp::make_chunk_last(), ec);
      if (ec) return;
    }
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::vector<std::thread> connections_;
  std::atomic<bool> stopping_{false};
};

class Client {
 public:
  explicit Client(unsigned short port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  // One call; returns the answer's size (0 on failure).
  std::size_t post(const std::string& target, const std::string& body) {
    bhttp::request<bhttp::string_body> request{bhttp::verb::post, target, 11};
    request.set(bhttp::field::host, "127.0.0.1");
    request.set(bhttp::field::authorization, std::string("Bearer ") + kToken);
    request.set(bhttp::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    bhttp::write(socket_, request);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(socket_, buffer_, parser);
    return parser.get().result_int() == 200 ? parser.get().body().size() : 0;
  }

 private:
  boost::asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

std::string tool_result(int n) {
  const std::string paragraph =
      "Quarterly numbers: revenue grew 4% against the plan, costs stayed flat, and the team "
      "closed 31 of 40 planned items. Der Bericht ist fertig — 日本語の要約も添付します。 ";
  std::string text = "Result " + std::to_string(n) + ": ";
  while (text.size() < 4096) text += paragraph;
  text.resize(4096);
  return text;
}

// 20 messages: system, six rounds of user / assistant tool call / tool
// result, and one more tool result, the `fresh` one. `history` salts the
// earlier texts: the same salt on every call is an agent's steady state (only
// the last result is new), a new salt makes every message new.
std::string conversation(bool stream, int history, int fresh) {
  const std::string salt = std::to_string(history) + " ";
  json messages = json::array({{{"role", "system"}, {"content", "You are a helpful agent."}}});
  for (int round = 0; round < 6; ++round) {
    const std::string id = "call_" + std::to_string(round);
    messages.push_back(
        {{"role", "user"}, {"content", salt + "Please look at item " + std::to_string(round)}});
    messages.push_back({{"role", "assistant"},
                        {"content", nullptr},
                        {"tool_calls",
                         {{{"id", id},
                           {"type", "function"},
                           {"function", {{"name", "read"}, {"arguments", "{\"item\":1}"}}}}}}});
    messages.push_back(
        {{"role", "tool"}, {"tool_call_id", id}, {"content", salt + tool_result(round)}});
  }
  messages.push_back(
      {{"role", "tool"}, {"tool_call_id", "call_5"}, {"content", tool_result(1000 + fresh)}});
  return json{{"model", "m"}, {"stream", stream}, {"messages", messages}}.dump();
}

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace openclawd;
  const int calls = argc > 1 ? std::atoi(argv[1]) : 300;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ocd-inference-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << kToken << "\n";
  std::ofstream(dir / "key") << "sk-bench-provider-key-0123456789abcdef\n";

  FastStub stub;
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  control::CommandRegistry commands;
  defender_service::DefenderServiceSettings defender;
  defender.rules =
      std::filesystem::path(OPENCLAWD_BENCH_SOURCE_DIR) / "policies/defender/rules.json";
  auto made = defender_service::DefenderService::create(io, defender, commands);
  if (!made) {
    std::fprintf(stderr, "%s\n", made.error().message.c_str());
    return 1;
  }
  inference::InferenceSettings settings;
  settings.listen = *config::Endpoint::parse("127.0.0.1:0");
  settings.clients = {*config::Ipv4Interface::parse("127.0.0.0/8")};
  settings.providers = {
      {"stub", "http://127.0.0.1:" + std::to_string(stub.port()) + "/v1", dir / "key", {}}};
  settings.tokens = {{"bench", dir / "token"}};
  auto gateway = inference::InferenceService::create(io, settings, (*made)->scanner());
  if (!gateway || !(*gateway)->start()) {
    std::fprintf(stderr, "the gateway did not start\n");
    return 1;
  }
  const auto address = (*gateway)->address();
  const auto port = static_cast<unsigned short>(std::stoi(address.substr(address.rfind(':') + 1)));
  std::thread loop([&] { io.run(); });

  std::printf("inference gateway overhead, %d calls per case, 20 messages, 4 KiB tool results\n",
              calls);
  std::printf("%-32s %10s %10s %10s %10s %10s\n", "case", "direct p50", "p99", "gateway p50", "p99",
              "overhead p50");
  for (const bool stream : {false, true}) {
    for (const bool cold : {false, true}) {
      Client direct(stub.port());
      Client through(port);
      std::vector<double> direct_ms, gateway_ms;
      for (int i = 0; i < calls + 10; ++i) {
        // Cold: every message new (the first call after a restart); warm:
        // one new tool result per call, the rest remembered.
        const std::string body = conversation(stream, cold ? (stream ? 2000000 : 1000000) + i : 0,
                                              (stream ? 10000 : 0) + (cold ? 5000 : 0) + i);
        auto started = Clock::now();
        const bool ok_direct = direct.post("/v1/chat/completions", body) > 0;
        const double d = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        started = Clock::now();
        const bool ok_gateway = through.post("/stub/v1/chat/completions", body) > 0;
        const double g = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        if (!ok_direct || !ok_gateway) {
          std::fprintf(stderr, "a call failed\n");
          return 1;
        }
        if (i < 10) continue;  // warm-up
        direct_ms.push_back(d);
        gateway_ms.push_back(g);
      }
      const std::string name = std::string(stream ? "stream" : "whole") +
                               (cold ? ", all 20 messages new" : ", one new tool result");
      std::printf("%-32s %8.3fms %8.3fms %9.3fms %8.3fms %10.3fms\n", name.c_str(),
                  percentile(direct_ms, 0.5), percentile(direct_ms, 0.99),
                  percentile(gateway_ms, 0.5), percentile(gateway_ms, 0.99),
                  percentile(gateway_ms, 0.5) - percentile(direct_ms, 0.5));
    }
  }
  std::promise<json> status;
  boost::asio::post(io, [&] { status.set_value((*gateway)->status()); });
  const auto counters = status.get_future().get();
  std::printf("messages scanned %s, remembered %s\n", counters["messages_scanned"].dump().c_str(),
              counters["messages_remembered"].dump().c_str());
  std::promise<json> defender_status;
  boost::asio::post(io, [&] { defender_status.set_value((*made)->status()); });
  const auto scans = defender_status.get_future().get();
  std::printf("defender scan latency (per 4 KiB-ish message): %s\n",
              scans["latency_us"].dump().c_str());
  boost::asio::post(io, [&] {
    (*gateway)->stop();
    (*made)->stop();
    work.reset();
  });
  loop.join();
  std::filesystem::remove_all(dir);
  return 0;
}
