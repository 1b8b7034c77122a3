#pragma once
// The firewall: commits openclawd's ruleset atomically and maintains the per-VM
// destination allowlist that the DNS resolver fills.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/net/ruleset.hpp"

namespace openclawd::net {

// The sink the DNS resolver feeds: after answering `vm` with `address`, that
// destination may be reached for `ttl` (egress.mode allowlist).
class DestinationAllowlist {
 public:
  virtual ~DestinationAllowlist() = default;
  virtual Status allow_destination(std::string_view vm, Ipv4Address address,
                                   std::chrono::seconds ttl) = 0;
};

class Firewall : public DestinationAllowlist {
 public:
  // Replaces openclawd's tables (and only those) with `ruleset` in one atomic
  // transaction. On failure the previous ruleset stays and the error carries
  // the kernel's reason. Tables outlive the process (fail closed).
  virtual Status apply(const Ruleset& ruleset) = 0;
  // allow_destination for many addresses in one transaction (addresses
  // already allowed keep their current expiry).
  virtual Status allow_destinations(std::string_view vm, const std::vector<Ipv4Address>& addresses,
                                    std::chrono::seconds ttl) = 0;
  // Removes openclawd's tables (uninstall; not done on daemon exit).
  virtual Status remove() = 0;
};

// Speaks nfnetlink (libnftnl + libmnl) in the caller's network namespace.
// `allowlist_grace` is added to every TTL passed to allow_destination.
std::unique_ptr<Firewall> make_netlink_firewall(std::chrono::seconds allowlist_grace);

}  // namespace openclawd::net
