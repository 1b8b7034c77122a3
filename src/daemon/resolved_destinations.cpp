#include "openclawd/daemon/resolved_destinations.hpp"

#include <algorithm>

namespace openclawd::daemon {

ResolvedDestinations::ResolvedDestinations(std::size_t capacity, Clock clock)
    : capacity_(std::max<std::size_t>(capacity, 1)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

Status ResolvedDestinations::allow(const std::string& vm, const std::string& qname,
                                   const std::string& address, std::chrono::seconds timeout) {
  // Guests get IPv4 only (the ruleset drops their IPv6); AAAA answers have
  // nothing to open or to name.
  auto ipv4 = net::Ipv4Address::parse(address);
  if (!ipv4) return ok_status();
  auto key = std::make_pair(vm, ipv4->value);
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    make_room();
    found = entries_.emplace(std::move(key), Entry{}).first;
  }
  found->second = Entry{qname, clock_() + timeout};
  if (allowlist_ != nullptr) return allowlist_->allow_destination(vm, *ipv4, timeout);
  return ok_status();
}

std::optional<std::string> ResolvedDestinations::name_for(std::string_view vm,
                                                          net::Ipv4Address address) const {
  auto found = entries_.find(std::make_pair(std::string(vm), address.value));
  if (found == entries_.end() || found->second.expires <= clock_()) return std::nullopt;
  return found->second.name;
}

void ResolvedDestinations::make_room() {
  if (entries_.size() < capacity_) return;
  const auto now = clock_();
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.expires <= now; });
  if (entries_.size() < capacity_) return;
  auto soonest = std::min_element(
      entries_.begin(), entries_.end(),
      [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
  entries_.erase(soonest);
}

}  // namespace openclawd::daemon
