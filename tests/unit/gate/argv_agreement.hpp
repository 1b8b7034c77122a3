#pragma once
// Checks one argv against both readings: the gate's and the test's own Kong
// reading (kong_reference_reader.hpp). Returns "" when they agree in the only
// way allowed: the gate refused, or both read the same verb, flags (name,
// spelling, value, negation) and positionals.
#include <string>
#include <vector>

#include "kong_reference_reader.hpp"
#include "openclawd/gate/argv_reader.hpp"

namespace openclawd::gate::testing {

inline std::string disagreement(const Policy& policy, const KongReader& kong,
                                const std::vector<std::string>& args) {
  const auto gate = read_gog_argv(policy, args);
  if (!gate.ok) return "";
  const auto ref = kong.read(args);
  if (!ref.ok) return "the gate allowed what Kong refuses (" + ref.error + ")";
  if (gate.path != ref.path) return "verbs differ";
  if (gate.positionals != ref.positionals) return "positionals differ";
  if (gate.flags.size() != ref.flags.size()) return "flag counts differ";
  for (std::size_t i = 0; i < gate.flags.size(); ++i) {
    const auto& g = gate.flags[i];
    const KongFlagUse as_gate{g.name, g.spelling, g.value, g.negated};
    if (!(as_gate == ref.flags[i])) return "flag " + std::to_string(i) + " differs";
  }
  return "";
}

// Builds argv words from a stream of choices over a vocabulary that covers
// Kong's spellings: flags of every kind, clusters, inline and separate
// values, values that look like flags, `--`, `-`, command words and aliases.
class ArgvGenerator {
 public:
  template <typename Next>
  static std::vector<std::string> make(Next&& next) {
    static const std::vector<std::string> kWords{
        "gmail",    "mail",     "search", "find", "messages", "get",    "send", "drafts",
        "create",   "calendar", "events", "docs", "cat",      "export", "auth", "x",
        "in:inbox", "-",        "--",     "",     "true",     "FALSE",  "5",    "-5",
        "a,-b",     "a\\,-b",   "UTC",    "raw",  "html"};
    static const std::vector<std::string> kFlags{
        "--max",     "--limit",  "-l",        "--timezone", "-z",       "--all",
        "--no-all",  "--label",  "--json",    "--machine",  "-j",       "--plain",
        "-p",        "--select", "--pick",    "--no-json",  "--format", "--to",
        "--subject", "--days",   "--account", "--acct",     "-a",       "--home",
        "--fields",  "-o",       "--",        "---max",     "--=x",     "-"};
    static const std::vector<std::string> kValues{"5",  "UTC",  "-x",  "",  "=x", "true",
                                                  "no", "a,-b", "raw", "-", "--"};
    static const std::vector<std::string> kShorts{"j", "p", "z", "l", "a", "o", "=", "q"};
    static const std::vector<std::vector<std::string>> kVerbs{
        {"gmail", "search"},    {"mail", "find"},
        {"gmail", "get"},       {"gmail", "messages", "search"},
        {"calendar", "events"}, {"docs", "export"}};
    std::vector<std::string> args;
    if (next(2) == 0) args = kVerbs[next(kVerbs.size())];  // reach the verbs' flags often
    const std::size_t n = next(9);
    for (std::size_t i = 0; i < n; ++i) {
      switch (next(5)) {
        case 0:
        case 1:
          args.push_back(kWords[next(kWords.size())]);
          break;
        case 2:
          args.push_back(kFlags[next(kFlags.size())]);
          break;
        case 3:
          args.push_back(kFlags[next(kFlags.size())] + "=" + kValues[next(kValues.size())]);
          break;
        default: {  // a short cluster, maybe with a glued value
          std::string w = "-";
          const std::size_t letters = 1 + next(3);
          for (std::size_t k = 0; k < letters; ++k) w += kShorts[next(kShorts.size())];
          if (next(2) == 0) w += kValues[next(kValues.size())];
          args.push_back(w);
        }
      }
    }
    return args;
  }
};

}  // namespace openclawd::gate::testing
