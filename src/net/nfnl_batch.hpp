#pragma once
// One nfnetlink transaction: messages built with libnftnl between a batch
// begin and end, sent over one socket, every message acknowledged. The kernel
// applies all of it or nothing.
#include <libmnl/libmnl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::net {

class NfnlBatch {
 public:
  NfnlBatch();
  // Starts a message of `type` (NFT_MSG_*) for `family`; the caller fills the
  // payload into the returned header before the next call. `what` names the
  // object for error messages ("add rule inet openclawd forward #3").
  nlmsghdr* add(std::uint16_t type, std::uint16_t family, std::uint16_t flags, std::string what);
  // Closes the batch and returns the bytes to send.
  const std::vector<char>& finish();
  std::size_t acked_messages() const { return descriptions_.size(); }
  // The description of the message with sequence number `seq`.
  std::string describe(std::uint32_t seq) const;

 private:
  void reserve(std::size_t bytes);
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  nlmsghdr* pending_ = nullptr;
  std::uint32_t first_seq_ = 0;
  std::uint32_t next_seq_ = 0;
  std::vector<std::string> descriptions_;  // index: seq - first_seq_ - 1
};

// A NETLINK_NETFILTER socket in the caller's network namespace.
class NfnlSocket {
 public:
  static Result<std::unique_ptr<NfnlSocket>> open();
  ~NfnlSocket();
  NfnlSocket(const NfnlSocket&) = delete;
  NfnlSocket& operator=(const NfnlSocket&) = delete;
  // Sends the batch and waits for every acknowledgement. The first error is
  // returned with the message it belongs to.
  Status commit(NfnlBatch& batch);

 private:
  explicit NfnlSocket(mnl_socket* socket) : socket_(socket) {}
  mnl_socket* socket_;
};

}  // namespace openclawd::net
