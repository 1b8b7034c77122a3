#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>

#include "frontends.hpp"

namespace openclawd::dns {

UdpFrontend::UdpFrontend(boost::asio::io_context& io, QueryProcessor& processor)
    : socket_(io), processor_(processor) {}

Status UdpFrontend::bind(const boost::asio::ip::udp::endpoint& endpoint) {
  boost::system::error_code ec;
  socket_.open(endpoint.protocol(), ec);
  if (!ec) socket_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) socket_.bind(endpoint, ec);
  if (ec) {
    return make_error(fmt::format("DNS: cannot listen on udp {}:{}: {}; check /dns/listen",
                                  endpoint.address().to_string(), endpoint.port(), ec.message()));
  }
  return ok_status();
}

void UdpFrontend::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

boost::asio::ip::udp::endpoint UdpFrontend::local_endpoint() const {
  boost::system::error_code ignored;
  return socket_.local_endpoint(ignored);
}

void UdpFrontend::receive() {
  socket_.async_wait(boost::asio::socket_base::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       if (ec == boost::asio::error::operation_aborted || !self->socket_.is_open())
                         return;
                       if (ec) spdlog::debug("dns: udp wait: {}", ec.message());
                       self->drain();
                     });
}

// Reads one batch without blocking. Only when the socket reported EAGAIN do we
// wait for readiness again; after a full batch we yield to the other handlers
// (TCP, upstream answers) with a post and read on.
void UdpFrontend::drain() {
  std::array<::mmsghdr, kBatch> messages{};
  std::array<::iovec, kBatch> vectors{};
  std::array<::sockaddr_storage, kBatch> senders{};
  for (std::size_t i = 0; i < kBatch; ++i) {
    vectors[i] = {buffers_.data() + i * kDatagramBytes, kDatagramBytes};
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &senders[i];
    messages[i].msg_hdr.msg_namelen = sizeof(senders[i]);
  }
  int received = -1;
  do {
    received = ::recvmmsg(socket_.native_handle(), messages.data(), kBatch, MSG_DONTWAIT, nullptr);
  } while (received < 0 && errno == EINTR);
  if (received < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      spdlog::debug("dns: udp receive: {}", std::strerror(errno));
    }
    receive();
    return;
  }

  collecting_ = true;
  processor_.begin_batch();
  std::weak_ptr<UdpFrontend> weak = shared_from_this();
  for (int i = 0; i < received; ++i) {
    const auto& from = senders[static_cast<std::size_t>(i)];
    if (from.ss_family != AF_INET) continue;
    const auto& v4 = reinterpret_cast<const ::sockaddr_in&>(from);
    const boost::asio::ip::udp::endpoint to(boost::asio::ip::address_v4(ntohl(v4.sin_addr.s_addr)),
                                            ntohs(v4.sin_port));
    const ClientInfo client{to.address().to_v4().to_uint(), to.port(), false};
    const auto length = messages[static_cast<std::size_t>(i)].msg_len;
    processor_.handle(
        client, ByteView(buffers_.data() + static_cast<std::size_t>(i) * kDatagramBytes, length),
        [weak, to](Bytes reply) {
          auto frontend = weak.lock();
          if (!frontend || !frontend->socket_.is_open()) return;
          if (frontend->collecting_) {
            frontend->pending_.push_back({std::move(reply), to});
          } else {
            frontend->send_later(std::move(reply), to);
          }
        });
  }
  collecting_ = false;
  // The batch's log lines reach the file before its replies leave, so a client
  // that reads the log after its answer finds its line.
  processor_.end_batch();
  flush_pending();

  if (static_cast<std::size_t>(received) == kBatch) {
    boost::asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->socket_.is_open()) self->drain();
    });
  } else {
    receive();
  }
}

void UdpFrontend::send_later(Bytes reply, const boost::asio::ip::udp::endpoint& to) {
  auto data = std::make_shared<Bytes>(std::move(reply));
  socket_.async_send_to(boost::asio::buffer(*data), to,
                        [data](const boost::system::error_code&, std::size_t) {});
}

// Sends the batch's replies with sendmmsg, resuming after a partial send. A
// reply the kernel refuses outright (ENOBUFS, unreachable) is dropped like a
// failed async_send_to would be; when the socket buffer is full (EAGAIN) the
// rest wait for writability through asio instead of blocking the io_context.
void UdpFrontend::flush_pending() {
  std::size_t sent = 0;
  while (sent < pending_.size()) {
    const std::size_t count = std::min(kBatch, pending_.size() - sent);
    std::array<::mmsghdr, kBatch> messages{};
    std::array<::iovec, kBatch> vectors{};
    for (std::size_t i = 0; i < count; ++i) {
      auto& reply = pending_[sent + i];
      vectors[i] = {reply.data.data(), reply.data.size()};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_hdr.msg_name = reply.to.data();
      messages[i].msg_hdr.msg_namelen = static_cast<::socklen_t>(reply.to.size());
    }
    const int result = ::sendmmsg(socket_.native_handle(), messages.data(),
                                  static_cast<unsigned>(count), MSG_DONTWAIT);
    if (result > 0) {
      sent += static_cast<std::size_t>(result);
    } else if (result < 0 && errno == EINTR) {
      continue;
    } else if (result < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      for (; sent < pending_.size(); ++sent) {
        send_later(std::move(pending_[sent].data), pending_[sent].to);
      }
    } else {
      spdlog::debug("dns: udp send to {}: {}", pending_[sent].to.address().to_string(),
                    result < 0 ? std::strerror(errno) : "nothing sent");
      ++sent;
    }
  }
  pending_.clear();
}

}  // namespace openclawd::dns
