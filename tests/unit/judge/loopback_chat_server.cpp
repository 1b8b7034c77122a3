#include "loopback_chat_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace openclawd::judge::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct LoopbackChatServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  unsigned short port = 0;
  mutable std::mutex mutex;
  std::condition_variable stopping_cv;
  bool stopping = false;
  std::deque<LoopbackReply> script;
  LoopbackReply default_reply = LoopbackChatServer::verdict(false, 0.9, "default reply");
  std::function<LoopbackReply(const ReceivedRequest&)> handler;
  std::vector<ReceivedRequest> received;
  std::thread accept_thread;
  std::vector<std::thread> connections;

  void accept_loop() {
    for (;;) {
      tcp::socket socket(io);
      boost::system::error_code error;
      acceptor.accept(socket, error);
      std::lock_guard lock(mutex);
      if (stopping) return;
      if (error) continue;
      connections.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }

  LoopbackReply next_reply(const ReceivedRequest& request) {
    std::lock_guard lock(mutex);
    received.push_back(request);
    if (!script.empty()) {
      auto reply = std::move(script.front());
      script.pop_front();
      return reply;
    }
    if (handler) return handler(request);
    return default_reply;
  }

  void serve(tcp::socket socket) {
    boost::system::error_code error;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::read(socket, buffer, request, error);
    if (error) return;  // the stop poke, or a client that gave up
    ReceivedRequest received_request;
    received_request.method = std::string(request.method_string());
    received_request.target = std::string(request.target());
    received_request.authorization = std::string(request[http::field::authorization]);
    received_request.raw_body = request.body();
    received_request.body = nlohmann::json::parse(request.body(), nullptr, false);
    auto reply = next_reply(received_request);
    switch (reply.kind) {
      case LoopbackReply::Kind::stall: {
        std::unique_lock lock(mutex);
        stopping_cv.wait_for(lock, reply.stall, [this] { return stopping; });
        socket.close(error);
        return;
      }
      case LoopbackReply::Kind::reset:
        // SO_LINGER 0: close sends a TCP RST instead of a FIN.
        socket.set_option(asio::socket_base::linger(true, 0), error);
        socket.close(error);
        return;
      case LoopbackReply::Kind::respond:
        break;
    }
    http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                               request.version()};
    response.set(http::field::content_type, "application/json");
    response.keep_alive(false);
    response.body() = reply.body;
    response.prepare_payload();
    http::write(socket, response, error);
    socket.shutdown(tcp::socket::shutdown_both, error);
  }
};

LoopbackChatServer::LoopbackChatServer() : impl_(std::make_unique<Impl>()) {
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([this] { impl_->accept_loop(); });
}

LoopbackChatServer::~LoopbackChatServer() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->stopping_cv.notify_all();
  // Wake the blocking accept with a connection of our own.
  boost::system::error_code error;
  tcp::socket poke(impl_->io);
  poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), impl_->port), error);
  poke.close(error);
  impl_->accept_thread.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(impl_->mutex);
    connections.swap(impl_->connections);
  }
  for (auto& connection : connections) connection.join();
}

std::string LoopbackChatServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/v1";
}

void LoopbackChatServer::enqueue(LoopbackReply reply) {
  std::lock_guard lock(impl_->mutex);
  impl_->script.push_back(std::move(reply));
}

void LoopbackChatServer::set_default(LoopbackReply reply) {
  std::lock_guard lock(impl_->mutex);
  impl_->default_reply = std::move(reply);
}

void LoopbackChatServer::set_handler(std::function<LoopbackReply(const ReceivedRequest&)> handler) {
  std::lock_guard lock(impl_->mutex);
  impl_->handler = std::move(handler);
}

std::vector<ReceivedRequest> LoopbackChatServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

std::size_t LoopbackChatServer::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received.size();
}

LoopbackReply LoopbackChatServer::completion(const std::string& content) {
  nlohmann::json body = {
      {"id", "chatcmpl-loopback"},
      {"object", "chat.completion"},
      {"created", 0},
      {"model", "loopback-model"},
      {"choices",
       {{{"index", 0},
         {"message", {{"role", "assistant"}, {"content", content}}},
         {"finish_reason", "stop"}}}},
      {"usage", {{"prompt_tokens", 10}, {"completion_tokens", 10}, {"total_tokens", 20}}},
  };
  return LoopbackReply{LoopbackReply::Kind::respond, 200, body.dump(), {}};
}

LoopbackReply LoopbackChatServer::verdict(bool is_injection, double confidence,
                                          const std::string& reasoning) {
  return completion(nlohmann::json{
      {"is_injection", is_injection}, {"confidence", confidence}, {"reasoning", reasoning}}
                        .dump());
}

LoopbackReply LoopbackChatServer::intent(bool aligned, double confidence,
                                         const std::string& reasoning) {
  return completion(
      nlohmann::json{{"aligned", aligned}, {"confidence", confidence}, {"reasoning", reasoning}}
          .dump());
}

LoopbackReply LoopbackChatServer::http_error(int status, const std::string& body) {
  return LoopbackReply{LoopbackReply::Kind::respond, status, body, {}};
}

LoopbackReply LoopbackChatServer::raw(const std::string& body) {
  return LoopbackReply{LoopbackReply::Kind::respond, 200, body, {}};
}

LoopbackReply LoopbackChatServer::stall(std::chrono::milliseconds duration) {
  return LoopbackReply{LoopbackReply::Kind::stall, 0, {}, duration};
}

LoopbackReply LoopbackChatServer::reset() {
  return LoopbackReply{LoopbackReply::Kind::reset, 0, {}, {}};
}

}  // namespace openclawd::judge::testing
