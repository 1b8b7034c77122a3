// The Firewall over nfnetlink. It remembers the allowlist entries it added so
// that a re-apply (which recreates the sets) carries them over, and so that a
// renewed address gets its full TTL again.
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include "lower.hpp"
#include "nfnl_batch.hpp"
#include "openclawd/core/log.hpp"
#include "openclawd/net/firewall.hpp"

namespace openclawd::net {
namespace {

using Clock = std::chrono::steady_clock;

class NetlinkFirewall final : public Firewall {
 public:
  explicit NetlinkFirewall(std::chrono::seconds grace) : grace_(grace) {}

  Status apply(const Ruleset& ruleset) override {
    std::lock_guard lock(mutex_);
    std::vector<SetElements> carried;
    const auto now = Clock::now();
    for (auto& [set, entries] : allowed_) {
      SetElements e{set, {}};
      for (auto it = entries.begin(); it != entries.end();) {
        if (it->second <= now + std::chrono::seconds(1)) {
          it = entries.erase(it);
          continue;
        }
        e.elements.emplace_back(
            Ipv4Address{it->first},
            std::chrono::duration_cast<std::chrono::milliseconds>(it->second - now));
        ++it;
      }
      carried.push_back(std::move(e));
    }
    auto socket = NfnlSocket::open();
    if (!socket) return socket.error();
    NfnlBatch batch;
    lower_replace(ruleset, carried, batch);
    if (auto status = (*socket)->commit(batch); !status) {
      return status.error().context("applying the openclawd nftables ruleset (previous one kept)");
    }
    sets_.clear();
    for (const auto& t : ruleset.tables) {
      if (t.family != Family::inet) continue;
      for (const auto& s : t.sets) sets_.insert(s.name);
    }
    for (auto it = allowed_.begin(); it != allowed_.end();) {
      it = sets_.count(it->first) ? std::next(it) : allowed_.erase(it);
    }
    applied_ = ruleset;
    return ok_status();
  }

  Status remove() override {
    std::lock_guard lock(mutex_);
    Ruleset owned;
    owned.tables.push_back(Table{Family::bridge, kTableName, {}, {}});
    owned.tables.push_back(Table{Family::inet, kTableName, {}, {}});
    auto socket = NfnlSocket::open();
    if (!socket) return socket.error();
    NfnlBatch batch;
    lower_delete_tables(owned, batch);
    if (auto status = (*socket)->commit(batch); !status) return status;
    sets_.clear();
    allowed_.clear();
    return ok_status();
  }

  Status allow_destination(std::string_view vm, Ipv4Address address,
                           std::chrono::seconds ttl) override {
    std::lock_guard lock(mutex_);
    const std::string set = allowlist_set_name(vm);
    if (!sets_.count(set)) {
      return make_error(fmt::format(
          "allowlist: VM '{}' has no set inet {} {}; is it configured and the ruleset applied?", vm,
          kTableName, set));
    }
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(ttl + grace_);
    const auto now = Clock::now();
    auto& entries = allowed_[set];
    auto found = entries.find(address.value);
    const bool present = found != entries.end() && found->second > now + std::chrono::seconds(1);
    if (present && found->second >= now + timeout) return ok_status();  // already long enough
    auto socket = NfnlSocket::open();
    if (!socket) return socket.error();
    if (present) {
      // The kernel keeps an existing element's timeout; replace it instead.
      NfnlBatch batch;
      lower_delete_set_elements(set, {address}, batch);
      lower_set_elements(SetElements{set, {{address, timeout}}}, batch);
      if ((*socket)->commit(batch)) {
        entries[address.value] = now + timeout;
        return ok_status();
      }
      // It expired in the kernel meanwhile: a plain add below.
    }
    NfnlBatch batch;
    lower_set_elements(SetElements{set, {{address, timeout}}}, batch);
    if (auto status = (*socket)->commit(batch); !status) {
      return status.error().context(
          fmt::format("allowing {} for VM '{}'", address.to_string(), vm));
    }
    entries[address.value] = now + timeout;
    return ok_status();
  }

  Status allow_destinations(std::string_view vm, const std::vector<Ipv4Address>& addresses,
                            std::chrono::seconds ttl) override {
    std::lock_guard lock(mutex_);
    const std::string set = allowlist_set_name(vm);
    if (!sets_.count(set)) {
      return make_error(fmt::format(
          "allowlist: VM '{}' has no set inet {} {}; is it configured and the ruleset applied?", vm,
          kTableName, set));
    }
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(ttl + grace_);
    const auto now = Clock::now();
    auto& entries = allowed_[set];
    SetElements fresh{set, {}};
    for (auto a : addresses) {
      auto found = entries.find(a.value);
      if (found == entries.end() || found->second <= now + std::chrono::seconds(1)) {
        fresh.elements.emplace_back(a, timeout);
      }
    }
    if (fresh.elements.empty()) return ok_status();
    auto socket = NfnlSocket::open();
    if (!socket) return socket.error();
    NfnlBatch batch;
    lower_set_elements(fresh, batch);
    if (auto status = (*socket)->commit(batch); !status) {
      return status.error().context(
          fmt::format("allowing {} addresses for VM '{}'", fresh.elements.size(), vm));
    }
    for (const auto& [a, t] : fresh.elements) entries[a.value] = now + timeout;
    return ok_status();
  }

 private:
  std::mutex mutex_;
  std::chrono::seconds grace_;
  Ruleset applied_;
  std::set<std::string> sets_;
  std::map<std::string, std::map<std::uint32_t, Clock::time_point>> allowed_;
};

}  // namespace

std::unique_ptr<Firewall> make_netlink_firewall(std::chrono::seconds allowlist_grace) {
  return std::make_unique<NetlinkFirewall>(allowlist_grace);
}

}  // namespace openclawd::net
