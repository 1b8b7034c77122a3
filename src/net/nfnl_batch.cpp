#include "nfnl_batch.hpp"

#include <fmt/format.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace openclawd::net {
namespace {
constexpr std::size_t kMessageHeadroom = 256 * 1024;  // the largest single message we build
}

NfnlBatch::NfnlBatch() {
  first_seq_ = static_cast<std::uint32_t>(std::time(nullptr));
  next_seq_ = first_seq_;
  reserve(kMessageHeadroom);
  nftnl_batch_begin(buffer_.data() + used_, next_seq_++);
  used_ += NLMSG_ALIGN(reinterpret_cast<nlmsghdr*>(buffer_.data() + used_)->nlmsg_len);
}

void NfnlBatch::reserve(std::size_t bytes) {
  if (buffer_.size() < used_ + bytes) buffer_.resize((used_ + bytes) * 2, 0);
}

nlmsghdr* NfnlBatch::add(std::uint16_t type, std::uint16_t family, std::uint16_t flags,
                         std::string what) {
  // The previous message is complete: account for it before starting another.
  if (pending_) {
    used_ += NLMSG_ALIGN(pending_->nlmsg_len);
    pending_ = nullptr;
  }
  reserve(kMessageHeadroom);
  descriptions_.push_back(std::move(what));
  pending_ =
      nftnl_nlmsg_build_hdr(buffer_.data() + used_, type, family, flags | NLM_F_ACK, next_seq_++);
  return pending_;
}

const std::vector<char>& NfnlBatch::finish() {
  if (pending_) {
    used_ += NLMSG_ALIGN(pending_->nlmsg_len);
    pending_ = nullptr;
  }
  reserve(kMessageHeadroom);
  nftnl_batch_end(buffer_.data() + used_, next_seq_++);
  used_ += NLMSG_ALIGN(reinterpret_cast<nlmsghdr*>(buffer_.data() + used_)->nlmsg_len);
  buffer_.resize(used_);
  return buffer_;
}

std::string NfnlBatch::describe(std::uint32_t seq) const {
  const std::size_t index = seq - first_seq_ - 1;
  return index < descriptions_.size() ? descriptions_[index] : fmt::format("message #{}", seq);
}

Result<std::unique_ptr<NfnlSocket>> NfnlSocket::open() {
  mnl_socket* socket = mnl_socket_open(NETLINK_NETFILTER);
  if (socket == nullptr) {
    return make_error(
        fmt::format("cannot open a netfilter netlink socket: {}", std::strerror(errno)));
  }
  if (mnl_socket_bind(socket, 0, MNL_SOCKET_AUTOPID) < 0) {
    const int error = errno;
    mnl_socket_close(socket);
    return make_error(
        fmt::format("cannot bind the netfilter netlink socket: {}", std::strerror(error)));
  }
  const int fd = mnl_socket_get_fd(socket);
  int one = 1;
  // Acks without a copy of the request keep the receive side small.
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  timeval timeout{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return std::unique_ptr<NfnlSocket>(new NfnlSocket(socket));
}

NfnlSocket::~NfnlSocket() {
  mnl_socket_close(socket_);
}

Status NfnlSocket::commit(NfnlBatch& batch) {
  const auto& bytes = batch.finish();
  const int fd = mnl_socket_get_fd(socket_);
  int size = static_cast<int>(bytes.size()) + 65536;
  // Large batches (thousands of set elements) exceed the default send buffer;
  // SO_SNDBUFFORCE works for root, SO_SNDBUF is the fallback.
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  if (mnl_socket_sendto(socket_, bytes.data(), bytes.size()) < 0) {
    return make_error(fmt::format("sending the nftables batch ({} bytes) failed: {}", bytes.size(),
                                  std::strerror(errno)));
  }
  std::size_t acks = 0;
  std::optional<Error> first_error;
  std::vector<char> reply(MNL_SOCKET_BUFFER_SIZE * 4);
  while (acks < batch.acked_messages()) {
    const ssize_t n = mnl_socket_recvfrom(socket_, reply.data(), reply.size());
    if (n < 0) {
      return make_error(fmt::format("waiting for the kernel's answer to the nftables batch: {}",
                                    std::strerror(errno)));
    }
    int remaining = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(reply.data()); mnl_nlmsg_ok(nlh, remaining);
         nlh = mnl_nlmsg_next(nlh, &remaining)) {
      if (nlh->nlmsg_type != NLMSG_ERROR) continue;
      const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      ++acks;
      if (err->error != 0 && !first_error) {
        first_error =
            make_error(fmt::format("the kernel rejected '{}': {}", batch.describe(nlh->nlmsg_seq),
                                   std::strerror(-err->error)));
      }
    }
    // After an error the kernel aborts the batch; it may not ack the rest.
    if (first_error) break;
  }
  if (first_error) {
    // Drain whatever else the kernel sends for this batch so the next commit
    // starts clean.
    timeval short_wait{0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &short_wait, sizeof short_wait);
    while (mnl_socket_recvfrom(socket_, reply.data(), reply.size()) > 0) {
    }
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return *first_error;
  }
  return ok_status();
}

}  // namespace openclawd::net
