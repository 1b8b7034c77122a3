#pragma once
// The network part of the daemon in one object: at start the bridge, the
// ruleset and the egress log; per VM its tap. The daemon wraps it in a Service;
// the vm module calls attach_guest/detach_guest around a VM's life.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "openclawd/net/egress_log.hpp"
#include "openclawd/net/firewall.hpp"
#include "openclawd/net/forwarding.hpp"
#include "openclawd/net/link_manager.hpp"
#include "openclawd/net/sysctls.hpp"

namespace openclawd::net {

class HostNetwork {
 public:
  HostNetwork(boost::asio::io_context& io, NetworkSettings settings, std::string tap_owner,
              EgressLogSettings egress, LinkManager& links, Firewall& firewall, Sysctls& sysctls,
              const DestinationNames* names);
  // Bridge, then the ruleset (so guests are fenced before any tap exists),
  // then IPv4 forwarding, then the egress log reader.
  Status start();
  // Puts back the forwarding it changed where nothing depends on it, closes
  // the log reader; rules stay (fail closed).
  void stop();
  Status attach_guest(const std::string& vm);
  Status detach_guest(const std::string& vm);
  nlohmann::json status() const;

 private:
  const GuestLink* guest(const std::string& vm) const;
  boost::asio::io_context& io_;
  NetworkSettings settings_;
  std::string tap_owner_;
  EgressLogSettings egress_;
  LinkManager& links_;
  Firewall& firewall_;
  const DestinationNames* names_;
  ForwardingManager forwarding_;
  std::unique_ptr<EgressLog> log_;
};

}  // namespace openclawd::net
