#pragma once
// The intermediate representation of openclawd's nftables ruleset. One value
// is both rendered as nft text (golden tests, `nft -f` in the bench) and
// lowered into the netlink batch the Firewall commits, so the text proves what
// the kernel is given. Each Match carries its readable form and the register
// operations that implement it; both are produced by the same constructor.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/net/settings.hpp"

namespace openclawd::net {

enum class Family { ip, inet, bridge };
std::string_view to_string(Family family);

// Loads a value into register 1.
struct Load {
  enum class Source { meta, payload, ct } source = Source::meta;
  std::uint32_t key = 0;   // NFT_META_* or NFT_CT_*
  std::uint32_t base = 0;  // NFT_PAYLOAD_*_HEADER
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

struct Match {
  std::string text;  // nft syntax, e.g. `ip saddr 192.168.83.2`
  Load load;
  std::vector<std::uint8_t> mask;  // empty: no bitwise step
  enum class Op { eq, neq, lookup } op = Op::eq;
  std::vector<std::uint8_t> value;  // for eq/neq
  std::string set_name;             // for lookup
};

struct Limit {
  std::uint64_t per_second = 0;
  std::uint32_t burst = 5;
};

struct LogAction {
  std::string prefix;
  std::uint16_t group = 0;
};

enum class Verdict { none, accept, drop };

struct Rule {
  std::vector<Match> matches;
  std::optional<Limit> limit;
  std::optional<LogAction> log;
  bool masquerade = false;
  Verdict verdict = Verdict::none;
};

struct Chain {
  std::string name;
  std::string type;  // filter | nat
  std::string hook;  // prerouting | input | forward | output | postrouting
  int priority = 0;
  Verdict policy = Verdict::accept;
  std::vector<Rule> rules;
};

struct Set {
  std::string name;  // ipv4_addr elements with per-element timeout
};

struct Table {
  Family family = Family::inet;
  std::string name;
  std::vector<Set> sets;
  std::vector<Chain> chains;
};

struct Ruleset {
  std::vector<Table> tables;
};

// The tables openclawd owns: `bridge openclawd` (guest-to-guest, anti-spoofing)
// and `inet openclawd` (guest-to-host, egress, NAT, allowlist sets).
inline constexpr const char* kTableName = "openclawd";

// Compiles the settings; rejects inconsistent ones (unknown VM in a flow, a
// guest outside the bridge subnet, duplicate taps/IPs ...), naming the culprit.
Result<Ruleset> compile_ruleset(const NetworkSettings& settings);

// nft syntax that `nft -f` accepts and that creates exactly `ruleset`.
std::string render_text(const Ruleset& ruleset);

// The name of the per-VM allowlist set in `inet openclawd`.
std::string allowlist_set_name(std::string_view vm);

}  // namespace openclawd::net
