#pragma once
// Joins the DNS resolver to the network: every address the resolver hands a
// guest is remembered with the name that was asked for (so the egress log can
// say which name a connection was for) and, in `egress.mode: allowlist`, is
// opened in the VM's nft set before the answer leaves.
//
// Bounded: at most `capacity` (vm, address) pairs are kept; expired ones go
// first, then the ones expiring soonest. Event loop thread only.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "openclawd/dns/allowlist_sink.hpp"
#include "openclawd/net/egress_log.hpp"
#include "openclawd/net/firewall.hpp"

namespace openclawd::daemon {

class ResolvedDestinations final : public dns::AllowlistSink, public net::DestinationNames {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit ResolvedDestinations(std::size_t capacity = 65536, Clock clock = nullptr);

  // Where allowed addresses go (allowlist mode); null: names are only remembered.
  void set_allowlist(net::DestinationAllowlist* allowlist) { allowlist_ = allowlist; }

  Status allow(const std::string& vm, const std::string& qname, const std::string& address,
               std::chrono::seconds timeout) override;
  std::optional<std::string> name_for(std::string_view vm, net::Ipv4Address address) const override;

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string name;
    std::chrono::steady_clock::time_point expires;
  };
  void make_room();

  std::size_t capacity_;
  Clock clock_;
  net::DestinationAllowlist* allowlist_ = nullptr;
  std::map<std::pair<std::string, std::uint32_t>, Entry, std::less<>> entries_;
};

}  // namespace openclawd::daemon
