#include "openclawd/net/network_service.hpp"

namespace openclawd::net {

Result<std::unique_ptr<NetworkService>> NetworkService::create(boost::asio::io_context& io,
                                                               const config::Config& config,
                                                               const HostServiceClients& clients,
                                                               const DestinationNames* names) {
  auto settings = settings_from_config(config, clients);
  if (!settings) return settings.error().context("network");
  EgressLogSettings egress;
  egress.file = config.network.egress.log_file;
  // The DNS resolver already adds egress.allowlist_grace_s to the TTLs it
  // reports; a second grace here would double it.
  return std::make_unique<NetworkService>(io, std::move(*settings), config.network.tap_owner,
                                          std::move(egress), make_rtnetlink_link_manager(),
                                          make_netlink_firewall(std::chrono::seconds(0)),
                                          make_proc_sysctls(), names);
}

NetworkService::NetworkService(boost::asio::io_context& io, NetworkSettings settings,
                               std::string tap_owner, EgressLogSettings egress,
                               std::unique_ptr<LinkManager> links,
                               std::unique_ptr<Firewall> firewall, std::unique_ptr<Sysctls> sysctls,
                               const DestinationNames* names)
    : links_(std::move(links)),
      firewall_(std::move(firewall)),
      sysctls_(std::move(sysctls)),
      network_(io, std::move(settings), std::move(tap_owner), std::move(egress), *links_,
               *firewall_, *sysctls_, names) {}

}  // namespace openclawd::net
