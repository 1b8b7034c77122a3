#pragma once
// Reads gog's argv the way gog's parser (Kong) does, against the policy's
// allowlist: which verb runs, which flags it gets and with which values.
// Kong's rules that matter here: `--name value`, `--name=value`, `-x value`,
// `-xVALUE` (the rest of the word is the value, '=' included), boolean shorts
// clustered (`-jn`), aliases, `--no-name` for negatable booleans, `-` is a
// positional, `--` ends the flags, a separate value may not start with '-',
// and flags are looked up only among those of the commands already named.
// gog itself rewrites `--fields` before Kong sees it, depending on the verb;
// the gate refuses that word rather than guess. What the gate cannot classify
// is refused, naming the flag (never a value).

#include <optional>
#include <string>
#include <vector>

#include "openclawd/gate/policy.hpp"

namespace openclawd::gate {

struct FlagUse {
  std::string name;                  // the policy's (canonical) name: "max"
  std::string spelling;              // as written, without any value: "--limit", "-z"
  std::optional<std::string> value;  // booleans: only when written as --x=true
  bool negated = false;              // --no-<name>
  bool global = false;               // one of the policy's global flags
};

struct ArgvReading {
  bool ok = false;
  std::string reason;                 // why not, when !ok
  std::string refused_flag;           // the refused flag's spelling ("--acct", "-a"), else empty
  std::vector<std::string> path;      // canonical command path: {"gmail", "messages", "search"}
  const CommandNode* verb = nullptr;  // set when ok
  std::vector<FlagUse> flags;         // in argv order
  std::vector<std::string> positionals;
};

// `args` is argv after `gog`.
ArgvReading read_gog_argv(const Policy& policy, const std::vector<std::string>& args);

}  // namespace openclawd::gate
