#pragma once
// The host side of the guests' network: the bridge and one persistent tap per
// VM. Every call is idempotent: a link that exists with the right settings is
// reused; one with wrong settings is reported, never silently reconfigured.
#include <memory>
#include <string>

#include "openclawd/core/result.hpp"
#include "openclawd/net/settings.hpp"

namespace openclawd::net {

class LinkManager {
 public:
  virtual ~LinkManager() = default;
  // A bridge named `name` carrying exactly the IPv4 address `address`, up.
  virtual Status ensure_bridge(const std::string& name, const Ipv4Interface& address) = 0;
  // A persistent tap owned by `owner` (user name) so the hypervisor can open
  // it without privileges, attached to `bridge`, up.
  virtual Status ensure_tap(const std::string& name, const std::string& owner,
                            const std::string& bridge) = 0;
  // Deletes the link (on VM stop for taps); a missing link is not an error.
  virtual Status remove(const std::string& name) = 0;
};

// rtnetlink (libmnl) in the caller's network namespace; taps are created with
// the tun driver's ioctls, which is the only way the kernel offers.
std::unique_ptr<LinkManager> make_rtnetlink_link_manager();

}  // namespace openclawd::net
