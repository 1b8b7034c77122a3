#pragma once
// Per-VM DNS policy (policies/dns.json): which names a guest may resolve.
//
//   { "default": { "allow": [], "deny": ["*.onion"] },
//     "vms": { "openclaw": { "allow": ["api.anthropic.com", "*.github.com"], "deny": [] } } }
//
// A VM with its own section uses only that section, others use "default".
// Patterns are exact names ("example.com") or suffix wildcards ("*.example.com",
// which matches every name below example.com but not example.com itself);
// "*" matches every name. Matching ignores letter case and a trailing dot.
// Deny wins over allow. "unlisted" says what happens to a name neither list
// matches: "allow", "deny" or "ask" (refused until the admin decides, see
// egress_decisions.hpp); without it, a non-empty allow list denies every name
// it lacks and an empty one allows them.
//
//   { "vms": { "openclaw": { "allow": ["*.github.com"], "unlisted": "ask" } } }

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::dns {

enum class Unlisted { allow, deny, ask };

struct PolicyRules {
  std::vector<std::string> allow;
  std::vector<std::string> deny;
  std::optional<Unlisted> unlisted;  // absent: deny when `allow` is non-empty, else allow
};

struct PolicyDecision {
  bool allowed = true;
  bool ask = false;  // not allowed yet: the admin's decision (or its absence) settles it
  // "deny:*.onion", "allow:*.github.com", "not-in-allow-list", "unlisted:ask",
  // "unlisted:allow", "unlisted:deny", or ""
  std::string rule;
};

class DnsPolicy {
 public:
  DnsPolicy() = default;  // answers everything
  DnsPolicy(PolicyRules default_rules, std::map<std::string, PolicyRules> per_vm);

  // Reads the JSON file; errors name the file, the JSON pointer and the fix.
  static Result<DnsPolicy> load(const std::filesystem::path& file);
  static Result<DnsPolicy> parse(std::string_view json_text, const std::string& source_name);

  PolicyDecision decide(std::string_view vm, std::string_view qname) const;

 private:
  PolicyRules default_rules_;
  std::map<std::string, PolicyRules> per_vm_;
};

// True when `pattern` (exact or "*.suffix" or "*") matches `name`.
bool name_matches(std::string_view pattern, std::string_view name);

}  // namespace openclawd::dns
