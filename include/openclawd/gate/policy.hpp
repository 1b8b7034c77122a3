#pragma once
// The gogcli command policy (policies/gogcli.json): an allowlist of `gog`
// verbs and, per verb, of the flags it may take, spelled the way gog's parser
// (Kong) spells them: long name, aliases, short letter, whether it takes a
// value, and constraints on that value. Everything not listed is refused.
// Data, not code: the host shares it read-only into the guest and `openclawd
// policy check` reads the same file, so the admin sees exactly what the gate
// will do. `openclawd policy import-gog-schema` writes one from `gog schema`.

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace re2 {
class RE2;
}

namespace openclawd::gate {

enum class VerbClass { read, write };

std::string_view to_string(VerbClass verb_class);

// One flag as gog's parser knows it.
struct FlagSpec {
  std::string name;                  // "max" is spelled --max
  std::vector<std::string> aliases;  // "limit" → --limit; a one-letter alias is a short: "l" → -l
  char short_name = 0;               // 'z' → -z, -zUTC, -jz UTC (0: none)
  bool takes_value = false;          // false: a boolean (--x, --x=true|false, -x in a cluster)
  bool negatable = false;            // booleans only: --no-<name> sets false
  std::string type;                  // gog's Go type ("int64", "[]string"); informational
  // Constraints on every value given to the flag; a value that fails one
  // refuses the whole call.
  std::vector<std::string> allowed_values;  // "enum": exact matches
  std::string pattern;                      // RE2, matched against the whole value
  std::shared_ptr<const re2::RE2> compiled_pattern;
  std::size_t max_length = 0;  // bytes; 0 = only limits.max_arg_bytes

  // True when `--<spelling>` names this flag (name, long alias or negation).
  bool has_long(std::string_view spelling) const;
  // True when `-<letter>` names this flag (short or one-letter alias).
  bool has_short(char letter) const;
  // Kong splits the value of a slice or map flag on ',' (and checks each part).
  bool splits_value() const;
  // Why `value` breaks a constraint (without quoting it), or "" when it passes.
  std::string value_refusal(std::string_view value) const;
};

// A node of gog's command tree that the policy knows: a group ("gmail",
// "gmail messages") or an allowed verb (a leaf: "gmail messages search").
struct CommandNode {
  std::string name;
  std::vector<std::string> aliases;     // Kong resolves these to `name`
  std::optional<VerbClass> verb_class;  // set exactly on verbs
  std::vector<FlagSpec> flags;          // a verb's own flags
  std::vector<CommandNode> children;    // a group's children, sorted by name

  bool is_verb() const { return verb_class.has_value(); }
  // The child that `word` names (its name first, then aliases, as Kong does).
  const CommandNode* child(std::string_view word) const;
};

struct Limits {
  std::size_t max_args = 64;              // words after `gog`
  std::size_t max_arg_bytes = 8192;       // one word
  std::size_t max_command_bytes = 65536;  // the whole SSH_ORIGINAL_COMMAND
};

struct Policy {
  std::filesystem::path gog_path;      // absolute; the only program the gate executes
  bool allow_write = false;            // a read-only deployment stays read-only
  std::vector<FlagSpec> global_flags;  // root flags allowed anywhere (--json, --plain, …)
  CommandNode root;                    // children: the allowed top-level commands
  Limits limits;
  std::map<std::string, std::string> environment;                   // set verbatim
  std::map<std::string, std::filesystem::path> secret_environment;  // value read from file
  std::filesystem::path home;  // HOME for gog (its config and keyring file live there)
  std::string gog_build;       // the gog build the policy was made for (informational)

  // GOG_ENABLE_COMMANDS: exactly the top-level commands this policy allows.
  std::string enabled_commands() const;
};

// Parses a policy document; `source` names it in errors ("policies/gogcli.json").
// Errors name the JSON pointer of the bad value and what is expected.
Result<Policy> parse_policy(std::string_view json_text, std::string_view source);

// Reads and parses a policy file.
Result<Policy> load_policy(const std::filesystem::path& file);

}  // namespace openclawd::gate
