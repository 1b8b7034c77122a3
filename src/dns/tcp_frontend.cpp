#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "frontends.hpp"

namespace openclawd::dns {
namespace {
// Queries of one connection being resolved at once; reading pauses above it.
constexpr std::size_t kMaxPipelined = 64;
}  // namespace

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  TcpConnection(boost::asio::ip::tcp::socket socket, QueryProcessor& processor,
                const ResolverSettings& settings, std::shared_ptr<TcpFrontend> frontend)
      : socket_(std::move(socket)),
        idle_timer_(socket_.get_executor()),
        processor_(processor),
        settings_(settings),
        frontend_(std::move(frontend)) {}

  ~TcpConnection() { frontend_->connection_closed(); }

  void start() {
    boost::system::error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    if (ec || !peer.address().is_v4()) return close();
    client_ = ClientInfo{peer.address().to_v4().to_uint(), peer.port(), true};
    arm_idle_timer();
    read_length();
  }

  void close() {
    boost::system::error_code ignored;
    closed_ = true;
    idle_timer_.cancel();
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  void arm_idle_timer() {
    idle_timer_.expires_after(settings_.tcp_idle_timeout);
    idle_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->closed_) return;
      // Idle means nothing to read and nothing owed (RFC 7766 6.2.3).
      if (self->in_flight_ == 0 && self->writes_.empty()) return self->close();
      self->arm_idle_timer();
    });
  }

  void read_length() {
    if (closed_) return;
    if (in_flight_ >= kMaxPipelined) {
      paused_ = true;
      return;
    }
    boost::asio::async_read(
        socket_, boost::asio::buffer(length_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (ec || self->closed_) return self->close_when_drained();
          const std::size_t length = (std::size_t{self->length_[0]} << 8) | self->length_[1];
          if (length < kHeaderSize || length > self->settings_.tcp_max_query_size) {
            // An oversized or impossible frame: the stream cannot be trusted any more.
            self->processor_.count_malformed();
            spdlog::debug("dns: tcp frame of {} bytes from {}: closing", length,
                          self->socket_.is_open() ? "client" : "?");
            return self->close();
          }
          self->read_body(length);
        });
  }

  void read_body(std::size_t length) {
    body_.resize(length);
    boost::asio::async_read(
        socket_, boost::asio::buffer(body_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (ec || self->closed_) return self->close_when_drained();
          self->arm_idle_timer();
          ++self->in_flight_;
          std::weak_ptr<TcpConnection> weak = self;
          const bool will_reply =
              self->processor_.handle(self->client_, self->body_, [weak](Bytes reply) {
                if (auto connection = weak.lock()) connection->send(std::move(reply));
              });
          if (!will_reply) --self->in_flight_;  // malformed: dropped, nothing owed
          self->read_length();
        });
  }

  void send(Bytes reply) {
    if (in_flight_ > 0) --in_flight_;
    if (closed_) return;
    Bytes framed;
    framed.reserve(reply.size() + 2);
    framed.push_back(static_cast<std::uint8_t>(reply.size() >> 8));
    framed.push_back(static_cast<std::uint8_t>(reply.size() & 0xff));
    framed.insert(framed.end(), reply.begin(), reply.end());
    writes_.push_back(std::move(framed));
    if (writes_.size() == 1) write_next();
    if (paused_ && in_flight_ < kMaxPipelined) {
      paused_ = false;
      read_length();
    }
  }

  void write_next() {
    boost::asio::async_write(
        socket_, boost::asio::buffer(writes_.front()),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (ec) return self->close();
          self->writes_.pop_front();
          if (!self->writes_.empty()) return self->write_next();
          if (self->reading_done_ && self->in_flight_ == 0) self->close();
        });
  }

  // The client closed its side: finish answering what it asked, then close.
  void close_when_drained() {
    reading_done_ = true;
    if (in_flight_ == 0 && writes_.empty()) close();
  }

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer idle_timer_;
  QueryProcessor& processor_;
  const ResolverSettings& settings_;
  std::shared_ptr<TcpFrontend> frontend_;
  ClientInfo client_;
  std::array<std::uint8_t, 2> length_{};
  Bytes body_;
  std::deque<Bytes> writes_;
  std::size_t in_flight_ = 0;
  bool paused_ = false;
  bool closed_ = false;
  bool reading_done_ = false;
};

TcpFrontend::TcpFrontend(boost::asio::io_context& io, QueryProcessor& processor,
                         const ResolverSettings& settings)
    : acceptor_(io), processor_(processor), settings_(settings) {}

Status TcpFrontend::bind(const boost::asio::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(fmt::format("DNS: cannot listen on tcp {}:{}: {}; check /dns/listen",
                                  endpoint.address().to_string(), endpoint.port(), ec.message()));
  }
  return ok_status();
}

void TcpFrontend::close() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : open_) {
    if (auto connection = weak.lock()) connection->close();
  }
  open_.clear();
}

boost::asio::ip::tcp::endpoint TcpFrontend::local_endpoint() const {
  boost::system::error_code ignored;
  return acceptor_.local_endpoint(ignored);
}

void TcpFrontend::accept() {
  acceptor_.async_accept([self = shared_from_this()](const boost::system::error_code& ec,
                                                     boost::asio::ip::tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (!ec) {
      if (self->connections_ >= self->settings_.tcp_max_connections) {
        spdlog::debug("dns: tcp connection limit ({}) reached; closing a new one",
                      self->settings_.tcp_max_connections);
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        ++self->connections_;
        auto connection = std::make_shared<TcpConnection>(std::move(socket), self->processor_,
                                                          self->settings_, self);
        std::erase_if(self->open_, [](const auto& weak) { return weak.expired(); });
        self->open_.push_back(connection);
        connection->start();
      }
    }
    self->accept();
  });
}

}  // namespace openclawd::dns
