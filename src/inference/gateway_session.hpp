#pragma once
// One guest connection to the inference gateway. A model call goes:
//   headers (route, provider, token) -> body (the conversation)
//   -> the defender scans the new tool results and user messages
//   -> the provider gets the request with its own key
//   -> its answer comes back: streamed (SseRelay) or whole (ResponseFilter),
//      tool calls checked, credentials cut out -> the guest
//   -> one line in the call log.

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "gateway.hpp"
#include "openclawd/http/client.hpp"
#include "openclawd/http/server.hpp"
#include "openclawd/inference/chat_request.hpp"
#include "openclawd/inference/request_filter.hpp"
#include "openclawd/inference/sse_relay.hpp"

namespace openclawd::inference {

class GatewaySession final : public http::Session {
 public:
  GatewaySession(boost::asio::ip::tcp::socket socket, std::shared_ptr<http::Server> server,
                 std::shared_ptr<Gateway> gateway);
  ~GatewaySession() override;

 private:
  enum class Mode { none, stream, whole, passthrough };

  // Everything about the call being answered; a new one per request.
  struct Call {
    // Declared here, defaulted in the .cpp: clang cannot see a nested class with
    // member initializers as default-constructible inside its enclosing class.
    Call();
    std::uint64_t id = 0;  // callbacks of an earlier call on this connection see another id
    CallRecord record;
    const Provider* provider = nullptr;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point scan_started;
    bool admitted = false;
    bool finished = false;
    std::string body;  // the guest's request as it came
    std::vector<std::string> forwarded_headers;
    std::unique_ptr<ChatRequest> request;
    std::unique_ptr<RequestFilter> filter;
    std::shared_ptr<http::ClientCall> upstream;
    Mode mode = Mode::none;
    unsigned upstream_status = 0;
    std::string content_type;
    std::string buffer;  // Mode::whole and passthrough: the provider's answer
    std::optional<SseRelay> relay;
    bool checking = false;       // the relay's tool calls are with the defender
    bool upstream_done = false;  // the provider's answer has ended
    std::optional<http::ClientFailure> upstream_failure;
  };

  void on_header(Parser& parser) override;
  void on_request(Parser& parser) override;
  void on_status(unsigned status) override;
  void on_closed() override;

  std::shared_ptr<GatewaySession> self();
  // The call `id` while it is the current one and not finished, else null.
  Call* current(std::uint64_t id);
  void remember_forwarded_headers(const Parser::value_type& request);
  void begin_call(std::string route, const Provider& provider, std::string client);
  void forward(std::string path, std::string method, std::string body);
  void on_upstream_head(const http::ResponseHead& head);
  void on_upstream_body(std::string_view piece);
  void on_upstream_done(std::optional<http::ClientFailure> failure);
  void check_relay_calls();
  void drain_stream();
  void answer_whole();
  // The gateway's own error answer (when nothing was sent yet) and the end of the call.
  void answer_error(unsigned status, std::string code, std::string message);
  void finish_call();

  std::shared_ptr<Gateway> gateway_;
  boost::asio::steady_timer first_byte_timer_;
  std::optional<Call> call_;
  std::uint64_t calls_started_ = 0;
};

}  // namespace openclawd::inference
