#pragma once
// A stand-in for the remote LLM API, for tests only: an HTTP server on
// 127.0.0.1 (port 0) that speaks the chat-completions protocol. Each request is
// answered by the next scripted reply (or the default one): a completion, an
// HTTP error, a malformed body, a stall (no answer for a while) or a TCP reset.
// It records every request so tests can check what the judge sent.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace openclawd::judge::testing {

struct LoopbackReply {
  enum class Kind { respond, stall, reset };
  Kind kind = Kind::respond;
  int status = 200;
  std::string body;
  std::chrono::milliseconds stall{0};  // Kind::stall: wait this long, then close silently
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string authorization;
  std::string raw_body;
  nlohmann::json body;  // discarded when raw_body was not JSON
};

class LoopbackChatServer {
 public:
  LoopbackChatServer();
  ~LoopbackChatServer();
  LoopbackChatServer(const LoopbackChatServer&) = delete;
  LoopbackChatServer& operator=(const LoopbackChatServer&) = delete;

  // "http://127.0.0.1:<port>/v1"
  std::string base_url() const;

  // Replies used in order, one per request; then the default reply.
  void enqueue(LoopbackReply reply);
  void set_default(LoopbackReply reply);
  // Decides the reply from the request (takes precedence over the default).
  void set_handler(std::function<LoopbackReply(const ReceivedRequest&)> handler);

  std::vector<ReceivedRequest> requests() const;
  std::size_t request_count() const;

  // Reply builders.
  static LoopbackReply completion(const std::string& content);
  static LoopbackReply verdict(bool is_injection, double confidence, const std::string& reasoning);
  static LoopbackReply intent(bool aligned, double confidence, const std::string& reasoning);
  static LoopbackReply http_error(int status, const std::string& body);
  static LoopbackReply raw(const std::string& body);  // 200 with this body
  static LoopbackReply stall(std::chrono::milliseconds duration);
  static LoopbackReply reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace openclawd::judge::testing
