#include "openclawd/http/server.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "openclawd/core/log.hpp"

namespace openclawd::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

constexpr std::size_t kHeaderLimit = 16 * 1024;

bool is_quiet_close(beast::error_code ec) {
  return ec == bhttp::error::end_of_stream || ec == boost::asio::error::eof ||
         ec == boost::asio::error::operation_aborted ||
         ec == boost::asio::error::connection_reset || ec == beast::error::timeout;
}

std::string_view error_type(unsigned status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

}  // namespace

nlohmann::json error_body(unsigned status, std::string_view code, std::string_view message) {
  return {{"error", {{"code", code}, {"message", message}, {"type", error_type(status)}}}};
}

// --- Server ---------------------------------------------------------------

Server::Server(boost::asio::io_context& io, ServerSettings settings, SessionFactory make_session)
    : io_(io),
      settings_(std::move(settings)),
      make_session_(std::move(make_session)),
      acceptor_(io) {}

Status Server::start() {
  const auto address = boost::asio::ip::make_address_v4(settings_.listen.address.value);
  const tcp::endpoint endpoint(address, settings_.listen.port);
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(tcp::acceptor::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return make_error(fmt::format(
        "{}: cannot listen on {}: {} (is the address on this host, e.g. the bridge up, and the "
        "port free? {}.listen)",
        settings_.name, settings_.listen.to_string(), ec.message(), settings_.config_key));
  }
  spdlog::info("{}: listening on {}", settings_.name, Server::address());
  accept();
  return ok_status();
}

std::string Server::address() const {
  boost::system::error_code ec;
  const auto local = acceptor_.local_endpoint(ec);
  if (ec) return {};
  return local.address().to_string() + ":" + std::to_string(local.port());
}

void Server::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : open_sessions_) {
    if (auto session = weak.lock()) session->close();
  }
  open_sessions_.clear();
}

void Server::session_ended() {
  if (sessions_ > 0) --sessions_;
}

bool Server::client_allowed(const tcp::endpoint& remote) const {
  auto address = remote.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  if (!address.is_v4()) return false;
  const config::Ipv4Address v4{address.to_v4().to_uint()};
  return std::any_of(settings_.clients.begin(), settings_.clients.end(),
                     [&](const config::Ipv4Interface& net) { return net.contains(v4); });
}

void Server::accept() {
  acceptor_.async_accept(
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (self->stopped_) return;
        if (ec) {
          if (ec == boost::asio::error::operation_aborted) return;
          // Out of descriptors and similar: log, keep accepting.
          spdlog::warn("{}: accept failed: {}", self->settings_.name, ec.message());
          return self->accept();
        }
        boost::system::error_code remote_error;
        const auto remote = socket.remote_endpoint(remote_error);
        ++self->sessions_;
        auto session = self->make_session_(std::move(socket), self);
        if (remote_error || !self->client_allowed(remote)) {
          session->refuse(403, "forbidden",
                          fmt::format("this address may not use the {} ({}.clients)",
                                      self->settings_.name, self->settings_.config_key));
        } else if (self->sessions_ > self->settings_.max_connections) {
          session->refuse(
              503, "busy",
              fmt::format("too many connections ({}.max_connections)", self->settings_.config_key));
        } else {
          std::erase_if(self->open_sessions_, [](const auto& weak) { return weak.expired(); });
          self->open_sessions_.push_back(session);
          session->start();
        }
        self->accept();
      });
}

// --- Session --------------------------------------------------------------

Session::Session(tcp::socket socket, std::shared_ptr<Server> server)
    : stream_(std::move(socket)), server_(std::move(server)) {
  boost::system::error_code ignored;
  remote_ = stream_.socket().remote_endpoint(ignored);
}

Session::~Session() {
  server_->session_ended();
}

std::string Session::remote_string() const {
  return remote_.address().to_string() + ":" + std::to_string(remote_.port());
}

void Session::refuse(unsigned status, std::string code, std::string message) {
  fail(status, std::move(code), std::move(message));
}

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  mark_closed();
}

void Session::mark_closed() {
  if (closed_) return;
  closed_ = true;
  on_closed();
}

void Session::suspend_timeout() {
  stream_.expires_never();
}

void Session::read_header() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  // The body limit is set once the service has checked the headers, so an
  // unauthenticated client learns nothing about it (Beast would refuse a large
  // Content-Length while reading the headers).
  parser_->body_limit(boost::none);
  stream_.expires_after(settings().request_timeout);
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->handle_header(ec); });
}

void Session::handle_header(beast::error_code ec) {
  // A timed-out tcp_stream is already closed: nothing can be answered.
  if (is_quiet_close(ec)) return close();
  if (ec == bhttp::error::header_limit) {
    return fail(431, "headers_too_large", "the request headers are larger than 16 KiB");
  }
  if (ec) return fail(400, "bad_request", "malformed HTTP request: " + ec.message());
  const auto& request = parser_->get();
  version_ = request.version();
  keep_alive_ = request.keep_alive();
  body_unread_ = request.chunked() || (parser_->content_length() && *parser_->content_length() > 0);
  on_header(*parser_);
}

void Session::read_body() {
  const auto& request = parser_->get();
  if (!request.chunked() && !request.has_content_length()) {
    return fail(411, "length_required", "send Content-Length (or a chunked body)");
  }
  const auto limit = settings().max_body_bytes;
  if (parser_->content_length() && *parser_->content_length() > limit) {
    return fail(413, "body_too_large",
                fmt::format("the body is {} bytes, the limit is {} ({}.max_body_bytes)",
                            *parser_->content_length(), limit, settings().config_key));
  }
  parser_->body_limit(limit);
  stream_.expires_after(settings().request_timeout);
  if (beast::iequals(request[bhttp::field::expect], "100-continue")) {
    // curl waits for this before sending a body over 1 KiB.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    boost::asio::async_write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->close();
                               self->read_body_now();
                             });
    return;
  }
  read_body_now();
}

void Session::read_body_now() {
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->handle_body(ec); });
}

void Session::handle_body(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    return fail(413, "body_too_large",
                fmt::format("the body is over the limit of {} bytes ({}.max_body_bytes)",
                            settings().max_body_bytes, settings().config_key));
  }
  if (is_quiet_close(ec)) return close();
  if (ec) return fail(400, "bad_request", "malformed HTTP request body: " + ec.message());
  body_unread_ = false;
  on_request(*parser_);
}

void Session::fail(unsigned status, std::string code, std::string message, const char* allow) {
  allow_ = allow != nullptr ? allow : "";
  respond(status, error_body(status, code, message).dump() + "\n", "application/json", true);
}

void Session::respond_json(unsigned status, const nlohmann::json& body, bool must_close) {
  respond(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
          "application/json", must_close);
}

void Session::respond(unsigned status, std::string body, std::string_view content_type,
                      bool must_close) {
  if (closed_) return;
  response_ = {};
  if (!allow_.empty()) response_.set(bhttp::field::allow, allow_);
  allow_.clear();
  response_.version(version_);
  response_.result(static_cast<bhttp::status>(status));
  response_.set(bhttp::field::server, "openclawd");
  response_.set(bhttp::field::content_type, content_type);
  response_.set(bhttp::field::cache_control, "no-store");
  if (status == 401) response_.set(bhttp::field::www_authenticate, "Bearer");
  if (status == 503) response_.set(bhttp::field::retry_after, "1");
  const bool keep = keep_alive_ && !must_close && !body_unread_;
  response_.keep_alive(keep);
  response_.body() = std::move(body);
  response_.prepare_payload();
  on_status(status);
  stream_.expires_after(settings().request_timeout);
  bhttp::async_write(stream_, response_,
                     [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->finish_answer(keep);
                     });
}

void Session::finish_answer(bool keep) {
  streaming_ = false;
  stream_chunked_ = false;
  stream_ending_ = false;
  stream_serializer_.reset();
  if (!keep) return close();
  read_header();
}

void Session::begin_stream(unsigned status, std::string_view content_type) {
  if (closed_) return;
  streaming_ = true;
  stream_ending_ = false;
  stream_chunked_ = version_ >= 11;
  stream_head_ = {};
  stream_head_.version(version_);
  stream_head_.result(static_cast<bhttp::status>(status));
  stream_head_.set(bhttp::field::server, "openclawd");
  stream_head_.set(bhttp::field::content_type, content_type);
  stream_head_.set(bhttp::field::cache_control, "no-cache");
  // HTTP/1.0 has no chunks: the end of the connection ends the answer.
  stream_head_.keep_alive(stream_chunked_ && keep_alive_ && !body_unread_);
  if (stream_chunked_) stream_head_.chunked(true);
  on_status(status);
  stream_serializer_.emplace(stream_head_);
  writing_ = true;
  stream_.expires_after(settings().request_timeout);
  bhttp::async_write_header(stream_, *stream_serializer_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              self->writing_ = false;
                              if (ec) return self->close();
                              self->write_next_chunk();
                            });
}

void Session::stream_write(std::string_view data) {
  if (!streaming_ || closed_ || data.empty()) return;
  out_pending_.append(data);
  write_next_chunk();
}

void Session::end_stream() {
  if (!streaming_ || closed_) return;
  stream_ending_ = true;
  write_next_chunk();
}

void Session::write_next_chunk() {
  if (writing_ || closed_ || !streaming_) return;
  auto self = shared_from_this();
  if (out_pending_.empty()) {
    if (!stream_ending_) return;
    const bool keep = stream_head_.keep_alive();
    if (!stream_chunked_) return close();
    writing_ = true;
    stream_.expires_after(settings().request_timeout);
    boost::asio::async_write(stream_, bhttp::make_chunk_last(),
                             [self, keep](beast::error_code ec, std::size_t) {
                               self->writing_ = false;
                               if (ec) return self->close();
                               self->finish_answer(keep);
                             });
    return;
  }
  out_writing_.swap(out_pending_);
  out_pending_.clear();
  writing_ = true;
  // A client that stops reading is cut off after the request timeout.
  stream_.expires_after(settings().request_timeout);
  auto done = [self](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    self->out_writing_.clear();
    if (ec) return self->close();
    self->write_next_chunk();
  };
  if (stream_chunked_) {
    boost::asio::async_write(stream_, bhttp::make_chunk(boost::asio::buffer(out_writing_)),
                             std::move(done));
  } else {
    boost::asio::async_write(stream_, boost::asio::buffer(out_writing_), std::move(done));
  }
}

}  // namespace openclawd::http
