#pragma once
// The daemon's HTTP/1.1 servers for the guests (the defender API, the
// inference gateway), with Boost.Beast on the daemon's io_context: one accept
// loop that admits only the client networks and a bounded number of
// connections, and a session base that reads requests within header, body and
// time limits and answers every error as JSON. A service derives its session
// from Session and decides what each request gets.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/config/net_types.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::http {

struct ServerSettings {
  std::string name = "HTTP API";               // in log lines and errors: "defender API"
  std::string config_key;                      // the config section, named in errors: "defender"
  config::Endpoint listen;                     // port 0: any free port (tests)
  std::vector<config::Ipv4Interface> clients;  // source networks allowed in
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_connections = 64;
  std::chrono::milliseconds request_timeout{10000};  // reading a request, writing an answer
};

class Session;

class Server : public std::enable_shared_from_this<Server> {
 public:
  using SessionFactory = std::function<std::shared_ptr<Session>(boost::asio::ip::tcp::socket,
                                                                std::shared_ptr<Server>)>;

  Server(boost::asio::io_context& io, ServerSettings settings, SessionFactory make_session);

  // Binds and starts accepting; errors name the address and the fix.
  Status start();
  // Stops accepting and closes every open connection.
  void stop();
  std::string address() const;  // "127.0.0.1:40123"; empty when not listening

  const ServerSettings& settings() const { return settings_; }
  boost::asio::io_context& io() { return io_; }

 private:
  friend class Session;
  void accept();
  bool client_allowed(const boost::asio::ip::tcp::endpoint& remote) const;
  void session_ended();

  boost::asio::io_context& io_;
  const ServerSettings settings_;
  SessionFactory make_session_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::size_t sessions_ = 0;  // event loop thread only
  std::vector<std::weak_ptr<Session>> open_sessions_;
  bool stopped_ = false;
};

// The JSON body of an error answer: {"error": {"code", "message", "type"}}
// ("type" as OpenAI-compatible clients expect it).
nlohmann::json error_body(unsigned status, std::string_view code, std::string_view message);

// One client connection. Requests are read one after another (keep-alive);
// each gets exactly one answer: respond(), fail() or a stream.
class Session : public std::enable_shared_from_this<Session> {
 public:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<Server> server);
  virtual ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() { read_header(); }
  // Answers once and closes (client not allowed, too many connections).
  void refuse(unsigned status, std::string code, std::string message);
  void close();

 protected:
  // The headers of a request are in: call read_body() or answer.
  virtual void on_header(Parser& parser) = 0;
  // The body is in too (parser.get().body()).
  virtual void on_request(Parser& parser) = 0;
  // Every answer's status, for the service's counters.
  virtual void on_status(unsigned /*status*/) {}
  // The connection closed before an answer was finished (streams, long calls).
  virtual void on_closed() {}

  // Reads the body within max_body_bytes (413 beyond; 411 without a length;
  // "Expect: 100-continue" answered first), then calls on_request.
  void read_body();
  // An error answer; the connection closes after it (its body may be unread).
  void fail(unsigned status, std::string code, std::string message, const char* allow = nullptr);
  void respond(unsigned status, std::string body, std::string_view content_type,
               bool must_close = false);
  void respond_json(unsigned status, const nlohmann::json& body, bool must_close = false);

  // A streamed answer (chunked transfer encoding; HTTP/1.0 clients get the
  // bytes until the connection closes). Writes are queued and coalesced.
  void begin_stream(unsigned status, std::string_view content_type);
  void stream_write(std::string_view data);
  void end_stream();
  bool streaming() const { return streaming_; }
  // Bytes queued but not yet written (a slow client).
  std::size_t stream_backlog() const { return out_pending_.size() + out_writing_.size(); }

  // The request being answered: version, keep-alive, peer.
  unsigned version() const { return version_; }
  const boost::asio::ip::tcp::endpoint& remote() const { return remote_; }
  std::string remote_string() const;
  Server& server() { return *server_; }
  const ServerSettings& settings() const { return server_->settings(); }
  // While a long answer is prepared (an upstream call), the request timeout
  // must not cut the connection.
  void suspend_timeout();

 private:
  void read_header();
  void handle_header(boost::beast::error_code ec);
  void read_body_now();
  void handle_body(boost::beast::error_code ec);
  void write_next_chunk();
  void finish_answer(bool keep);
  void mark_closed();

  boost::beast::tcp_stream stream_;
  std::shared_ptr<Server> server_;
  boost::asio::ip::tcp::endpoint remote_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool body_unread_ = false;
  bool closed_ = false;
  std::string allow_;  // the Allow header of a 405 answer

  // Streamed answers.
  bool streaming_ = false;
  bool stream_chunked_ = false;
  bool stream_ending_ = false;
  bool writing_ = false;
  std::string out_pending_;
  std::string out_writing_;
  boost::beast::http::response<boost::beast::http::empty_body> stream_head_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>>
      stream_serializer_;
};

}  // namespace openclawd::http
