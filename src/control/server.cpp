#include "openclawd/control/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <set>

namespace openclawd::control {
namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {

Status prepare_socket_path(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return make_error(fmt::format("cannot create the directory of the control socket {}: {}",
                                  path.string(), ec.message()));
  }
  auto status = std::filesystem::symlink_status(path, ec);
  if (ec || !std::filesystem::exists(status)) return ok_status();
  if (!std::filesystem::is_socket(status)) {
    return make_error(
        fmt::format("{} exists and is not a socket; remove it or choose another "
                    "control_socket",
                    path.string()));
  }
  // A socket file: is a daemon still behind it?
  asio::io_context probe_io;
  local::socket probe(probe_io);
  boost::system::error_code connect_error;
  probe.connect(local::endpoint(path.string()), connect_error);
  if (!connect_error) {
    return make_error(
        fmt::format("another openclawd daemon is listening on {}; stop it first", path.string()));
  }
  std::filesystem::remove(path, ec);  // stale, left by a daemon that died
  if (ec) {
    return make_error(
        fmt::format("cannot remove the stale control socket {}: {}", path.string(), ec.message()));
  }
  return ok_status();
}

}  // namespace

class Server::Impl : public std::enable_shared_from_this<Server::Impl> {
 public:
  Impl(asio::io_context& io, const CommandRegistry& registry, ServerSettings settings)
      : io_(io), registry_(registry), settings_(std::move(settings)), acceptor_(io) {}

  Status start();
  void stop();
  std::size_t active() const { return connections_.size(); }

 private:
  class Connection;
  void accept();

  asio::io_context& io_;
  const CommandRegistry& registry_;
  ServerSettings settings_;
  std::optional<unsigned> group_id_;
  local::acceptor acceptor_;
  std::set<std::shared_ptr<Connection>> connections_;
  bool stopped_ = false;
  ino_t socket_inode_ = 0;  // of the socket file we created; 0: none
  friend class Connection;
};

class Server::Impl::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Impl& server, local::socket socket, Peer peer)
      : server_(server), socket_(std::move(socket)), timer_(server.io_), peer_(peer) {}

  void start() {
    arm_timer();
    read_more();
  }

  // Sends one response and closes (used when refusing a connection).
  void refuse(Response response) {
    closing_after_write_ = true;
    send(std::move(response));
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(local::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.connections_.erase(shared_from_this());
  }

 private:
  void arm_timer() {
    timer_.expires_after(std::chrono::milliseconds(server_.settings_.request_timeout_ms));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_) return;
      if (self->handler_running_) {
        self->arm_timer();  // a slow command is not the client's fault
        return;
      }
      if (self->buffer_.empty() && !self->writing_) {
        self->close();  // idle connection
        return;
      }
      self->refuse(Response::failure(ResultCode::bad_request,
                                     fmt::format("request not completed within {} ms",
                                                 self->server_.settings_.request_timeout_ms)));
    });
  }

  void read_more() {
    if (closed_ || reading_) return;
    reading_ = true;
    socket_.async_read_some(asio::buffer(chunk_), [self = shared_from_this()](
                                                      boost::system::error_code ec, std::size_t n) {
      self->reading_ = false;
      if (self->closed_) return;
      if (ec) {
        self->close();  // peer went away; nothing to answer
        return;
      }
      self->buffer_.append(self->chunk_.data(), n);
      self->process_buffer();
    });
  }

  void process_buffer() {
    if (closed_ || handler_running_ || writing_ || closing_after_write_) return;
    auto newline = buffer_.find('\n');
    if (newline == std::string::npos) {
      if (buffer_.size() > server_.settings_.max_request_bytes) {
        refuse(Response::failure(
            ResultCode::bad_request,
            fmt::format("request larger than {} bytes", server_.settings_.max_request_bytes)));
        return;
      }
      read_more();
      return;
    }
    if (newline > server_.settings_.max_request_bytes) {
      refuse(Response::failure(
          ResultCode::bad_request,
          fmt::format("request larger than {} bytes", server_.settings_.max_request_bytes)));
      return;
    }
    std::string line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      process_buffer();
      return;
    }
    auto request = parse_request(line);
    if (!request) {
      send(Response::failure(ResultCode::bad_request, request.error().message));
      return;
    }
    handler_running_ = true;
    spdlog::debug("control: uid {} pid {} runs \"{}\"", peer_.uid, peer_.pid, request->command);
    std::weak_ptr<Connection> weak = shared_from_this();
    server_.registry_.dispatch(*request, peer_, [weak](Response response) {
      auto self = weak.lock();
      if (!self || self->closed_) return;  // the client left while the command ran
      self->handler_running_ = false;
      self->send(std::move(response));
    });
  }

  void send(Response response) {
    outgoing_ = serialize_response(response);
    outgoing_.push_back('\n');
    writing_ = true;
    arm_timer();  // a client that never reads is cut off too
    asio::async_write(socket_, asio::buffer(outgoing_),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->writing_ = false;
                        if (self->closed_) return;
                        if (ec || self->closing_after_write_) {
                          self->close();
                          return;
                        }
                        self->arm_timer();
                        self->process_buffer();
                      });
  }

  Impl& server_;
  local::socket socket_;
  asio::steady_timer timer_;
  Peer peer_;
  std::array<char, 4096> chunk_{};
  std::string buffer_;
  std::string outgoing_;
  bool reading_ = false;
  bool writing_ = false;
  bool handler_running_ = false;
  bool closing_after_write_ = false;
  bool closed_ = false;
};

Status Server::Impl::start() {
  if (!settings_.group.empty()) {
    auto gid = lookup_group(settings_.group);
    if (!gid) return gid.error();
    group_id_ = *gid;
  }
  if (auto prepared = prepare_socket_path(settings_.socket_path); !prepared) return prepared;
  boost::system::error_code ec;
  acceptor_.open(local(), ec);
  // The socket file is created by bind(); the umask keeps it private until chmod.
  const mode_t previous_umask = ::umask(0177);
  if (!ec) acceptor_.bind(local::endpoint(settings_.socket_path.string()), ec);
  ::umask(previous_umask);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(fmt::format("cannot listen on the control socket {}: {}",
                                  settings_.socket_path.string(), ec.message()));
  }
  const auto path = settings_.socket_path.c_str();
  if (group_id_ && ::chown(path, static_cast<uid_t>(-1), *group_id_) != 0) {
    return make_error(fmt::format("cannot give the control socket {} to group \"{}\": {}",
                                  settings_.socket_path.string(), settings_.group,
                                  std::strerror(errno)));
  }
  struct stat created {};
  if (::stat(path, &created) == 0) socket_inode_ = created.st_ino;
  if (::chmod(path, 0660) != 0) {
    return make_error(fmt::format("cannot chmod the control socket {}: {}",
                                  settings_.socket_path.string(), std::strerror(errno)));
  }
  accept();
  return ok_status();
}

void Server::Impl::accept() {
  acceptor_.async_accept([self = shared_from_this()](boost::system::error_code ec,
                                                     local::socket socket) {
    if (self->stopped_) return;
    if (ec) {
      if (ec != asio::error::operation_aborted) {
        spdlog::warn("control: accept failed: {}", ec.message());
        self->accept();
      }
      return;
    }
    ucred credentials{};
    socklen_t length = sizeof(credentials);
    Peer peer;
    if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0) {
      peer.pid = credentials.pid;
      peer.uid = credentials.uid;
      peer.gid = credentials.gid;
      peer.may_change_state = user_in_group(peer.uid, peer.gid, self->group_id_);
    }  // without credentials the peer stays unprivileged
    auto connection = std::make_shared<Connection>(*self, std::move(socket), peer);
    self->connections_.insert(connection);
    if (self->connections_.size() > static_cast<std::size_t>(self->settings_.max_clients)) {
      connection->refuse(Response::failure(
          ResultCode::error, fmt::format("too many control clients (limit {}); try again",
                                         self->settings_.max_clients)));
    } else {
      connection->start();
    }
    self->accept();
  });
}

void Server::Impl::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  auto connections = connections_;
  for (const auto& c : connections) c->close();
  // Remove the socket file only if it is still the one we created: a failed
  // second daemon must not take the first one's socket away.
  struct stat current {};
  if (socket_inode_ != 0 && ::stat(settings_.socket_path.c_str(), &current) == 0 &&
      current.st_ino == socket_inode_) {
    std::error_code ec;
    std::filesystem::remove(settings_.socket_path, ec);
  }
}

Server::Server(asio::io_context& io, const CommandRegistry& registry, ServerSettings settings)
    : impl_(std::make_shared<Impl>(io, registry, std::move(settings))) {}

Server::~Server() {
  if (impl_) impl_->stop();
}

Status Server::start() {
  return impl_->start();
}
void Server::stop() {
  impl_->stop();
}
std::size_t Server::active_connections() const {
  return impl_->active();
}

}  // namespace openclawd::control
