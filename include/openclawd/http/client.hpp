#pragma once
// The daemon's HTTP client: libcurl's multi interface driven by the daemon's
// io_context (curl's sockets wait as asio descriptors, its timer is an asio
// timer), so a call in flight blocks nothing and its answer is handed over in
// pieces as they arrive (streamed model replies). TLS peers are verified
// against the system's CAs or a given bundle; connections are kept and reused.
// Handlers run on the io_context's thread.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::http {

struct ClientRequest {
  std::string method = "GET";        // "GET" or "POST"
  std::string url;                   // http:// or https://
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent with POST
  std::filesystem::path ca_file;     // empty: the system's CA store
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{0};       // the whole call; 0: no limit
  std::chrono::milliseconds idle_timeout{0};  // no byte for this long ends it; 0: no limit
};

struct ResponseHead {
  long status = 0;
  std::string content_type;  // lower case, parameters kept ("text/event-stream; charset=utf-8")
};

enum class FailureKind {
  connect,    // name resolution or TCP connect failed
  tls,        // handshake or certificate verification failed
  timeout,    // connect_timeout, timeout or idle_timeout
  transport,  // anything else on the way (reset, malformed HTTP)
};

std::string_view to_string(FailureKind kind);

struct ClientFailure {
  FailureKind kind = FailureKind::transport;
  std::string message;  // names the URL and curl's reason, never a header value
};

struct ClientHandlers {
  std::function<void(const ResponseHead&)> on_head;  // once, before any body piece
  std::function<void(std::string_view)> on_body;     // the body, piece by piece
  // Once, last: nullopt when the answer arrived whole. Not called after cancel().
  std::function<void(std::optional<ClientFailure>)> on_done;
};

// A call in flight. Dropping the handle does not stop the call; cancel() does.
class ClientCall {
 public:
  virtual ~ClientCall() = default;
  // Stops the call; no handler runs afterwards. Safe from inside a handler.
  virtual void cancel() = 0;
};

class HttpClient {
 public:
  // curl's global state is set up once per process, here.
  static Result<std::unique_ptr<HttpClient>> create(boost::asio::io_context& io);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  std::shared_ptr<ClientCall> start(ClientRequest request, ClientHandlers handlers);
  std::size_t in_flight() const;

  class Impl;

 private:
  explicit HttpClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace openclawd::http
