#pragma once
// Who may use the resolver (the bridge subnet and configured clients) and which
// VM a client address is (the VM list's addresses).

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/dns/settings.hpp"

namespace openclawd::dns {

class ClientAcl {
 public:
  static Result<ClientAcl> make(const std::vector<ClientNetwork>& networks,
                                const std::vector<GuestAddress>& guests);

  // `address` in host byte order.
  bool allowed(std::uint32_t address) const;
  // The VM with this address, or "" when it is not a known guest.
  std::string vm_of(std::uint32_t address) const;

 private:
  struct Network {
    std::uint32_t base;
    std::uint32_t mask;
  };
  std::vector<Network> networks_;
  std::unordered_map<std::uint32_t, std::string> guests_;
};

// Parses a dotted IPv4 address into host byte order.
std::optional<std::uint32_t> parse_ipv4(const std::string& text);

}  // namespace openclawd::dns
