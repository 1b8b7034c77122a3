#pragma once
// The gogcli command policy (policies/gogcli.json): which `gog` subcommands and
// verbs the agent may run, which of them write, which flags are never allowed,
// the size limits, and the environment `gog` runs in. Data, not code: the host
// shares it read-only into the guest and `openclawd policy check` reads the same
// file, so the admin sees exactly what the gate will do.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::gate {

enum class VerbClass { read, write };

std::string_view to_string(VerbClass verb_class);

struct Verb {
  std::vector<std::string> words;  // "messages search" → {"messages", "search"}
  VerbClass verb_class = VerbClass::read;
};

struct Subcommand {
  std::string name;
  std::vector<Verb> verbs;  // longest first, so "messages search" wins over "messages"
};

struct Limits {
  std::size_t max_args = 64;              // words after `gog`
  std::size_t max_arg_bytes = 8192;       // one word
  std::size_t max_command_bytes = 65536;  // the whole SSH_ORIGINAL_COMMAND
};

struct Policy {
  std::filesystem::path gog_path;  // absolute; the only program the gate executes
  bool allow_write = false;        // a read-only deployment stays read-only
  std::vector<Subcommand> subcommands;
  std::vector<std::string> denied_flags;  // "--account" also denies "--account=x"
  Limits limits;
  std::map<std::string, std::string> environment;                   // set verbatim
  std::map<std::string, std::filesystem::path> secret_environment;  // value read from file
  std::filesystem::path home;  // HOME for gog (its config and keyring file live there)

  // GOG_ENABLE_COMMANDS: exactly the subcommands this policy allows.
  std::string enabled_commands() const;
};

// Parses a policy document; `source` names it in errors ("policies/gogcli.json").
// Errors name the JSON pointer of the bad value and what is expected.
Result<Policy> parse_policy(std::string_view json_text, std::string_view source);

// Reads and parses a policy file.
Result<Policy> load_policy(const std::filesystem::path& file);

}  // namespace openclawd::gate
