#pragma once
// Where the resolver reports addresses a guest may now connect to
// (`egress.mode: allowlist`). The resolver calls allow() for every A/AAAA
// record of an answer the VM's policy allowed, before the reply leaves, so the
// connection that follows finds the address in the VM's nft set. The network
// module's adapter adds the address to that set with `timeout`.
// Called on the event loop thread; implementations must not block for long.

#include <chrono>
#include <string>

#include "openclawd/core/result.hpp"

namespace openclawd::dns {

class AllowlistSink {
 public:
  virtual ~AllowlistSink() = default;
  // `address` is an IPv4 or IPv6 address in text form; `timeout` is the
  // record's TTL plus the resolver's grace.
  virtual Status allow(const std::string& vm, const std::string& address,
                       std::chrono::seconds timeout) = 0;
};

}  // namespace openclawd::dns
