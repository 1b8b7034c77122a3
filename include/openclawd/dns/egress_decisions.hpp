#pragma once
// The admin's decisions about new destinations. A VM whose DNS policy says
// "unlisted": "ask" gets REFUSED for a name neither list matches; the name is
// recorded here as pending (first/last seen, count) until the admin allows it
// (optionally for a while) or denies it with `openclawd egress allow|deny`.
// Decisions are kept in a JSON file in state_dir, rewritten atomically on every
// change, so they survive restarts; the resolver asks this store on every such
// query, so a decision applies to the very next one.
//
// Pending names are not persisted and are bounded: beyond `max_pending` the
// name seen longest ago is forgotten (and counted in pending_dropped).
// Everything runs on the event loop thread. Times are passed in (tests).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::dns {

using WallClock = std::chrono::system_clock;

enum class EgressVerdict { allow, deny };
std::string_view to_string(EgressVerdict verdict);

struct EgressDecision {
  std::string vm;
  std::string name;  // canonical: lower case, no trailing dot
  EgressVerdict verdict = EgressVerdict::deny;
  WallClock::time_point decided_at;
  std::optional<WallClock::time_point> expires_at;  // `allow --for`; none: until changed
};

struct PendingName {
  std::string vm;
  std::string name;
  WallClock::time_point first_seen;
  WallClock::time_point last_seen;
  std::uint64_t count = 0;
};

// The decisions file: {"version": 1, "decisions": [{"vm", "name", "decision":
// "allow"|"deny", "decided_at": unix seconds, "expires_at": unix seconds|null}]}.
// Errors name the source and the JSON pointer.
Result<std::vector<EgressDecision>> parse_decisions(std::string_view text,
                                                    const std::string& source);
std::string serialize_decisions(const std::vector<EgressDecision>& decisions);

// A name an admin may decide on: a DNS name of letters, digits, '-' and '_'
// labels (1-63 bytes each, 253 in all); a trailing dot and letter case are ignored.
Result<std::string> canonical_destination(std::string_view name);

class EgressDecisions {
 public:
  // `file` empty: decisions are kept in memory only (tests, no state_dir).
  explicit EgressDecisions(std::filesystem::path file, std::size_t max_pending = 1000);

  // Reads the file if it exists. A file that cannot be parsed is an error that
  // names it; the store is then empty (every asked name is refused again).
  Status load();
  const std::filesystem::path& file() const { return file_; }

  // The admin's verdict for `name` asked by `vm`, unless none or expired.
  std::optional<EgressVerdict> find(const std::string& vm, std::string_view name,
                                    WallClock::time_point now) const;
  // A query that waits for a decision.
  void note_pending(const std::string& vm, std::string_view name, WallClock::time_point now);

  // Records the decision, forgets the pending entry, and rewrites the file; on
  // a write error nothing changes and the error names the file.
  Status decide(const std::string& vm, std::string_view name, EgressVerdict verdict,
                std::optional<std::chrono::seconds> duration, WallClock::time_point now);

  std::vector<PendingName> pending() const;                                // most recent first
  std::vector<EgressDecision> decisions(WallClock::time_point now) const;  // unexpired
  // {"pending", "allowed", "denied", "pending_dropped"}
  nlohmann::json counts(WallClock::time_point now) const;

 private:
  using Key = std::pair<std::string, std::string>;  // vm, name
  Status save(const std::map<Key, EgressDecision>& decisions) const;

  std::filesystem::path file_;
  std::size_t max_pending_;
  std::map<Key, EgressDecision> decisions_;
  std::map<Key, PendingName> pending_;
  std::uint64_t pending_dropped_ = 0;
};

}  // namespace openclawd::dns
