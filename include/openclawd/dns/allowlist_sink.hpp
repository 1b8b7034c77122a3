#pragma once
// Where the resolver reports the addresses it gave a guest. The resolver calls
// allow() for every A/AAAA record of an answer the VM's policy allowed, before
// the reply leaves. The daemon's adapter remembers which name led to which
// address (the egress log's dns_name) and, with `network.egress.mode:
// allowlist`, adds the address to the VM's nft set with `timeout`, so the
// connection that follows the lookup is already allowed.
// Called on the event loop thread; implementations must not block for long.

#include <chrono>
#include <string>

#include "openclawd/core/result.hpp"

namespace openclawd::dns {

class AllowlistSink {
 public:
  virtual ~AllowlistSink() = default;
  // `qname` is the name asked for; `address` an IPv4 or IPv6 address in text
  // form; `timeout` the record's TTL plus the resolver's grace.
  virtual Status allow(const std::string& vm, const std::string& qname, const std::string& address,
                       std::chrono::seconds timeout) = 0;
};

}  // namespace openclawd::dns
