#include "openclawd/dns/client_acl.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

namespace openclawd::dns {

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
  in_addr parsed{};
  if (::inet_pton(AF_INET, text.c_str(), &parsed) != 1) return std::nullopt;
  return ntohl(parsed.s_addr);
}

Result<ClientAcl> ClientAcl::make(const std::vector<ClientNetwork>& networks,
                                  const std::vector<GuestAddress>& guests) {
  ClientAcl acl;
  for (const auto& network : networks) {
    const auto base = parse_ipv4(network.address);
    if (!base || network.prefix_length < 0 || network.prefix_length > 32) {
      return make_error(fmt::format("DNS client network \"{}/{}\" is not an IPv4 prefix",
                                    network.address, network.prefix_length));
    }
    const std::uint32_t mask =
        network.prefix_length == 0 ? 0 : ~std::uint32_t{0} << (32 - network.prefix_length);
    acl.networks_.push_back({*base & mask, mask});
  }
  for (const auto& guest : guests) {
    const auto ip = parse_ipv4(guest.ip);
    if (!ip) {
      return make_error(
          fmt::format("VM {}: address \"{}\" is not an IPv4 address", guest.vm, guest.ip));
    }
    acl.guests_.emplace(*ip, guest.vm);
  }
  return acl;
}

bool ClientAcl::allowed(std::uint32_t address) const {
  if (guests_.contains(address)) return true;
  for (const auto& network : networks_) {
    if ((address & network.mask) == network.base) return true;
  }
  return false;
}

std::string ClientAcl::vm_of(std::uint32_t address) const {
  const auto found = guests_.find(address);
  return found == guests_.end() ? std::string() : found->second;
}

}  // namespace openclawd::dns
