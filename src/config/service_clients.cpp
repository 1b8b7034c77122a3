#include "openclawd/config/config.hpp"

namespace openclawd::config {

std::vector<Ipv4Interface> service_clients(const Config& config, bool clients_set,
                                           const std::vector<Ipv4Interface>& clients) {
  if (clients_set) return clients;
  std::vector<Ipv4Interface> defaults = {*Ipv4Interface::parse("127.0.0.0/8")};
  if (config.network.address.prefix_length > 0) {
    defaults.push_back(
        Ipv4Interface{config.network.address.network(), config.network.address.prefix_length});
  }
  return defaults;
}

}  // namespace openclawd::config
