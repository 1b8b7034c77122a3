#include "http_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>

#include "openclawd/core/log.hpp"
#include "openclawd/defender/api_request.hpp"

namespace openclawd::defender_service {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 16 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "Bearer <token>" (scheme case-insensitive); empty when absent or malformed.
std::string_view bearer_token(std::string_view header) {
  header = trim(header);
  if (header.size() < 7 || lower(header.substr(0, 7)) != "bearer ") return {};
  return trim(header.substr(7));
}

bool is_json_content_type(std::string_view header) {
  return lower(trim(header.substr(0, header.find(';')))) == "application/json";
}

}  // namespace

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, std::shared_ptr<HttpApi> api)
      : stream_(std::move(socket)), api_(std::move(api)) {}
  ~HttpSession() { api_->session_ended(); }

  void start() { read_header(); }

  // Answers once and closes (client not allowed, too many connections).
  void refuse(unsigned status, std::string code, std::string message) {
    fail(status, std::move(code), std::move(message));
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  const ApiSettings& settings() const { return api_->settings(); }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The body limit is set once the headers are checked, so an unauthenticated
    // client learns nothing about it (Beast would refuse a large Content-Length
    // while reading the headers).
    parser_->body_limit(boost::none);
    stream_.expires_after(settings().request_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::connection_reset) {
      return close();
    }
    // A timed-out tcp_stream is already closed: nothing can be answered.
    if (ec == beast::error::timeout) return close();
    if (ec == http::error::header_limit) {
      return fail(431, "headers_too_large", "the request headers are larger than 16 KiB");
    }
    if (ec) return fail(400, "bad_request", "malformed HTTP request: " + ec.message());

    const auto& request = parser_->get();
    version_ = request.version();
    keep_alive_ = request.keep_alive();
    std::string_view target = request.target();
    target = target.substr(0, target.find('?'));
    const bool has_body =
        request.chunked() || (request.has_content_length() && parser_->content_length() &&
                              *parser_->content_length() > 0);

    if (target == "/v1/health") {
      if (request.method() != http::verb::get) {
        return fail(405, "method_not_allowed", "use GET /v1/health", "GET");
      }
      return respond(200, {{"status", "ok"}}, has_body);
    }
    if (target != "/v1/scan") {
      return fail(404, "not_found", "no such endpoint; use POST /v1/scan or GET /v1/health");
    }
    if (request.method() != http::verb::post) {
      return fail(405, "method_not_allowed", "use POST /v1/scan", "POST");
    }
    const auto token = bearer_token(request[http::field::authorization]);
    if (token.empty() || !api_->core()->token_accepted(token)) {
      return fail(401, "unauthorized",
                  "missing or wrong bearer token (Authorization: Bearer <defender token>)");
    }
    if (!is_json_content_type(request[http::field::content_type])) {
      return fail(415, "unsupported_media_type", "the body must be Content-Type: application/json");
    }
    if (!request.chunked() && !request.has_content_length()) {
      return fail(411, "length_required", "send Content-Length (or a chunked body)");
    }
    if (parser_->content_length() && *parser_->content_length() > settings().max_body_bytes) {
      return fail(413, "body_too_large",
                  fmt::format("the body is {} bytes, the limit is {} (defender.max_body_bytes)",
                              *parser_->content_length(), settings().max_body_bytes));
    }
    parser_->body_limit(settings().max_body_bytes);
    stream_.expires_after(settings().request_timeout);
    if (beast::iequals(request[http::field::expect], "100-continue")) {
      // curl waits for this before sending a body over 1 KiB.
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      boost::asio::async_write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                               [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                 if (ec) return self->close();
                                 self->read_body();
                               });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return fail(413, "body_too_large",
                  fmt::format("the body is over the limit of {} bytes (defender.max_body_bytes)",
                              settings().max_body_bytes));
    }
    if (ec == beast::error::timeout) return close();
    if (ec == boost::asio::error::operation_aborted) return close();
    if (ec) return fail(400, "bad_request", "malformed HTTP request body: " + ec.message());

    auto request = defender::parse_scan_request(parser_->get().body());
    if (!request) return fail(400, "bad_request", request.error().message);
    // The scan has its own time budget; the connection waits for it.
    stream_.expires_never();
    auto self = shared_from_this();
    const bool accepted = api_->core()->submit(
        api_->io(), std::move(*request), "http", [self](const defender::ScanResult& result) {
          self->respond(200, defender::to_json(result), false);
        });
    if (!accepted) {
      fail(503, "busy",
           fmt::format("{} scans are running (defender.max_concurrent_scans); retry shortly",
                       api_->core()->settings().max_concurrent_scans));
    }
  }

  // An error answer; the connection closes after it (the body may be unread).
  void fail(unsigned status, std::string code, std::string message, const char* allow = nullptr) {
    response_extra_allow_ = allow;
    respond(status, {{"error", {{"code", std::move(code)}, {"message", std::move(message)}}}},
            true);
  }

  void respond(unsigned status, const nlohmann::json& body, bool must_close) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<http::status>(status));
    response_.set(http::field::server, "openclawd");
    response_.set(http::field::content_type, "application/json");
    response_.set(http::field::cache_control, "no-store");
    if (status == 401) response_.set(http::field::www_authenticate, "Bearer");
    if (status == 503) response_.set(http::field::retry_after, "1");
    if (response_extra_allow_ != nullptr) response_.set(http::field::allow, response_extra_allow_);
    response_extra_allow_ = nullptr;
    const bool keep = keep_alive_ && !must_close;
    response_.keep_alive(keep);
    response_.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    response_.prepare_payload();
    api_->core()->count_http(status);
    stream_.expires_after(settings().request_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
                        if (ec || !keep) return self->close();
                        self->read_header();
                      });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<HttpApi> api_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  const char* response_extra_allow_ = nullptr;
};

HttpApi::HttpApi(boost::asio::io_context& io, std::shared_ptr<ScanCore> core, ApiSettings settings)
    : io_(io), core_(std::move(core)), settings_(std::move(settings)), acceptor_(io) {}

Status HttpApi::start() {
  const auto address = boost::asio::ip::make_address_v4(settings_.listen.address.value);
  const tcp::endpoint endpoint(address, settings_.listen.port);
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(tcp::acceptor::max_listen_connections, ec);
  if (ec) {
    return make_error(fmt::format(
        "defender API: cannot listen on {}: {} (is the address on this host, e.g. the bridge "
        "up, and the port free? defender.listen)",
        settings_.listen.to_string(), ec.message()));
  }
  spdlog::info("defender: HTTP API on {}", address_string());
  accept();
  return ok_status();
}

std::string HttpApi::address() const {
  return address_string();
}

std::string HttpApi::address_string() const {
  boost::system::error_code ec;
  const auto local = acceptor_.local_endpoint(ec);
  if (ec) return {};
  return local.address().to_string() + ":" + std::to_string(local.port());
}

void HttpApi::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : open_sessions_) {
    if (auto session = weak.lock()) session->close();
  }
  open_sessions_.clear();
}

void HttpApi::session_ended() {
  if (sessions_ > 0) --sessions_;
}

bool HttpApi::client_allowed(const tcp::endpoint& remote) const {
  auto address = remote.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  if (!address.is_v4()) return false;
  const config::Ipv4Address v4{address.to_v4().to_uint()};
  return std::any_of(settings_.clients.begin(), settings_.clients.end(),
                     [&](const config::Ipv4Interface& net) { return net.contains(v4); });
}

void HttpApi::accept() {
  acceptor_.async_accept(
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (self->stopped_) return;
        if (ec) {
          if (ec == boost::asio::error::operation_aborted) return;
          // Out of descriptors and similar: log, keep accepting.
          spdlog::warn("defender API: accept failed: {}", ec.message());
          return self->accept();
        }
        boost::system::error_code remote_error;
        const auto remote = socket.remote_endpoint(remote_error);
        ++self->sessions_;
        auto session = std::make_shared<HttpSession>(std::move(socket), self);
        if (remote_error || !self->client_allowed(remote)) {
          session->refuse(403, "forbidden",
                          "this address may not use the defender API "
                          "(defender.clients)");
        } else if (self->sessions_ > self->settings_.max_connections) {
          session->refuse(503, "busy", "too many connections (defender.max_connections)");
        } else {
          std::erase_if(self->open_sessions_, [](const auto& weak) { return weak.expired(); });
          self->open_sessions_.push_back(session);
          session->start();
        }
        self->accept();
      });
}

}  // namespace openclawd::defender_service
