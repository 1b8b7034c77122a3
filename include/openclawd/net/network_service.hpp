#pragma once
// The host network as a daemon Service: the bridge, openclawd's nftables
// ruleset and the egress log come up at start (before any guest has a tap);
// taps come and go with the guests (HostNetwork::attach_guest/detach_guest,
// called by the supervisor's boot hooks). IPv4 forwarding is turned on for the
// bridge and the uplink (network.manage_forwarding). Stopping closes the
// egress log and restores the forwarding it changed where nothing depends on
// it: the rules stay in the kernel so guests stay fenced while the daemon is down.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "openclawd/config/config.hpp"
#include "openclawd/daemon/service.hpp"
#include "openclawd/net/firewall.hpp"
#include "openclawd/net/host_network.hpp"
#include "openclawd/net/link_manager.hpp"
#include "openclawd/net/sysctls.hpp"

namespace openclawd::net {

class NetworkService final : public daemon::Service {
 public:
  // Uses rtnetlink and nfnetlink of the daemon's network namespace.
  // `clients`: the VMs whose packets may reach the defender API and the
  // inference gateway.
  // `names` (may be null) gives the egress log the DNS name behind a
  // destination; it must outlive the service.
  static Result<std::unique_ptr<NetworkService>> create(boost::asio::io_context& io,
                                                        const config::Config& config,
                                                        const HostServiceClients& clients,
                                                        const DestinationNames* names);
  // For tests: any link manager, firewall and sysctls.
  NetworkService(boost::asio::io_context& io, NetworkSettings settings, std::string tap_owner,
                 EgressLogSettings egress, std::unique_ptr<LinkManager> links,
                 std::unique_ptr<Firewall> firewall, std::unique_ptr<Sysctls> sysctls,
                 const DestinationNames* names);

  std::string_view name() const override { return "network"; }
  Status start() override { return network_.start(); }
  void stop() override { network_.stop(); }
  nlohmann::json status() const override { return network_.status(); }

  HostNetwork& host_network() { return network_; }
  // The per-VM destination sets of `egress.mode: allowlist`.
  DestinationAllowlist& allowlist() { return *firewall_; }

 private:
  std::unique_ptr<LinkManager> links_;
  std::unique_ptr<Firewall> firewall_;
  std::unique_ptr<Sysctls> sysctls_;
  HostNetwork network_;
};

}  // namespace openclawd::net
