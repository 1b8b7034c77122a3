#pragma once
// What the gate does with one SSH_ORIGINAL_COMMAND: split it, strip a leading
// `gog`, read the words as gog's parser would (argv_reader.hpp) and match them
// against the policy's allowlist. Pure logic, shared by the gate and by
// `openclawd policy check gogcli`.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/gate/argv_reader.hpp"
#include "openclawd/gate/policy.hpp"

namespace openclawd::gate {

struct Decision {
  bool allowed = false;
  std::string reason;      // why, in words the admin and the agent understand
  std::string subcommand;  // empty when the command never got that far
  std::string verb;        // "messages search"
  std::optional<VerbClass> verb_class;
  std::string refused_flag;       // the flag that was refused ("--acct", "-a"), if one was
  std::vector<FlagUse> flags;     // how the gate read the flags (when it got that far)
  std::vector<std::string> args;  // argv for gog, without "gog" itself
};

Decision decide(const Policy& policy, std::string_view original_command);

}  // namespace openclawd::gate
