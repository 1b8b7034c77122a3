#pragma once
// Real TCP/UDP probes between namespaces: a listener created in one namespace,
// a client in another; results say whether the packets got through.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "netns.hpp"

namespace openclawd::net::testing {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

inline sockaddr_in address(const std::string& ip, std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  return a;
}

inline Fd listener(const std::string& ns, int type, const std::string& ip, std::uint16_t port) {
  EnterNetns inside(ns);
  Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  auto a = address(ip, port);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error("bind " + ip + ":" + std::to_string(port) + " in " + ns);
  }
  if (type == SOCK_STREAM) ::listen(fd.get(), 16);
  return fd;
}

// Connects from `ns` (optionally from source address `from`); on success
// returns the peer address the listener saw.
inline std::optional<std::string> tcp_probe(const std::string& ns, const std::string& ip,
                                            std::uint16_t port, const Fd& server,
                                            const std::string& from = {}) {
  Fd client;
  {
    EnterNetns inside(ns);
    client = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  }
  if (!from.empty()) {
    auto local = address(from, 0);
    if (::bind(client.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      throw std::runtime_error("bind source " + from);
    }
  }
  auto a = address(ip, port);
  ::connect(client.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
  pollfd p{client.get(), POLLOUT, 0};
  if (::poll(&p, 1, 1500) != 1) return std::nullopt;
  int error = 0;
  socklen_t len = sizeof error;
  ::getsockopt(client.get(), SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0) return std::nullopt;
  pollfd s{server.get(), POLLIN, 0};
  if (::poll(&s, 1, 1500) != 1) return std::nullopt;
  sockaddr_in peer{};
  socklen_t peer_len = sizeof peer;
  Fd accepted(::accept(server.get(), reinterpret_cast<sockaddr*>(&peer), &peer_len));
  if (accepted.get() < 0) return std::nullopt;
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
  return std::string(text);
}

// Sends one datagram from `ns`; true when `server` received it.
inline bool udp_probe(const std::string& ns, const std::string& ip, std::uint16_t port,
                      const Fd& server) {
  Fd client;
  {
    EnterNetns inside(ns);
    client = Fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  }
  auto a = address(ip, port);
  ::sendto(client.get(), "probe", 5, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  pollfd s{server.get(), POLLIN, 0};
  if (::poll(&s, 1, 1500) != 1) return false;
  char buffer[16];
  return ::recv(server.get(), buffer, sizeof buffer, 0) == 5;
}

}  // namespace openclawd::net::testing
