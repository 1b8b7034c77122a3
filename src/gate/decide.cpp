// Matches one command against the policy. Order matters for the reason shown:
// size limits first (cheap, before splitting), then shell syntax, then the
// subcommand, verb, flags and write permission.
#include <algorithm>

#include "openclawd/gate/command_splitter.hpp"
#include "openclawd/gate/decision.hpp"

namespace openclawd::gate {
namespace {

Decision deny(Decision d, std::string reason) {
  d.allowed = false;
  d.reason = std::move(reason);
  return d;
}

// A printable, bounded rendering of agent-controlled text for reasons and logs.
std::string shown(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 48)) {
    out.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? static_cast<char>(c) : '?');
  }
  if (text.size() > 48) out += "...";
  return out;
}

const Verb* match_verb(const Subcommand& sub, const std::vector<std::string>& args) {
  for (const auto& verb : sub.verbs) {  // longest first
    if (args.size() < 1 + verb.words.size()) continue;
    if (std::equal(verb.words.begin(), verb.words.end(), args.begin() + 1)) return &verb;
  }
  return nullptr;
}

std::string verb_list(const Subcommand& sub) {
  std::string out;
  for (const auto& verb : sub.verbs) {
    std::string joined;
    for (const auto& w : verb.words) joined += (joined.empty() ? "" : " ") + w;
    out += (out.empty() ? "" : ", ") + joined;
  }
  return out;
}

const std::string* denied_flag(const Policy& policy, const std::string& arg) {
  for (const auto& flag : policy.denied_flags) {
    if (arg == flag || (arg.size() > flag.size() && arg.compare(0, flag.size(), flag) == 0 &&
                        arg[flag.size()] == '=')) {
      return &flag;
    }
  }
  return nullptr;
}

}  // namespace

Decision decide(const Policy& policy, std::string_view original_command) {
  Decision d;
  const auto& limits = policy.limits;
  if (original_command.size() > limits.max_command_bytes) {
    return deny(d, "command is " + std::to_string(original_command.size()) +
                       " bytes, the limit is " + std::to_string(limits.max_command_bytes));
  }
  auto words = split_command(original_command);
  if (!words) return deny(d, words.error().message);
  if (!words->empty() && words->front() == "gog") words->erase(words->begin());
  d.args = std::move(*words);  // kept on denials too: the log counts and hashes them
  const auto& args = d.args;
  if (args.empty()) return deny(d, "no gog command given (expected e.g. `gog calendar events`)");
  if (args.size() > limits.max_args) {
    return deny(d, std::to_string(args.size()) + " arguments, the limit is " +
                       std::to_string(limits.max_args));
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].size() > limits.max_arg_bytes) {
      return deny(d, "argument " + std::to_string(i + 1) + " is " + std::to_string(args[i].size()) +
                         " bytes, the limit is " + std::to_string(limits.max_arg_bytes));
    }
  }

  const auto sub = std::find_if(policy.subcommands.begin(), policy.subcommands.end(),
                                [&](const Subcommand& s) { return s.name == args.front(); });
  if (sub == policy.subcommands.end()) {
    std::string allowed;
    for (const auto& s : policy.subcommands) allowed += (allowed.empty() ? "" : ", ") + s.name;
    const bool is_flag = args.front().rfind('-', 0) == 0;
    return deny(d, (is_flag ? "flags before the subcommand are not allowed (\"" : "subcommand \"") +
                       shown(args.front()) + "\"" + (is_flag ? ")" : " is not allowed") +
                       "; allowed: " + allowed);
  }
  d.subcommand = sub->name;
  const Verb* verb = match_verb(*sub, args);
  if (verb == nullptr) {
    return deny(d, "\"" + sub->name + " " + (args.size() > 1 ? shown(args[1]) : std::string()) +
                       "\" is not an allowed verb; allowed: " + verb_list(*sub));
  }
  for (const auto& w : verb->words) d.verb += (d.verb.empty() ? "" : " ") + w;
  d.verb_class = verb->verb_class;

  for (std::size_t i = 1; i < args.size(); ++i) {
    if (const auto* flag = denied_flag(policy, args[i])) {
      return deny(
          d, "flag " + *flag + " is denied by the policy (argument " + std::to_string(i + 1) + ")");
    }
  }
  if (verb->verb_class == VerbClass::write && !policy.allow_write) {
    return deny(
        d, "\"" + sub->name + " " + d.verb +
               "\" writes, and the policy allows reads only (set \"allow_write\": true to permit)");
  }
  d.allowed = true;
  d.reason = "\"" + sub->name + " " + d.verb + "\" is an allowed " +
             std::string(to_string(verb->verb_class)) + " verb";
  return d;
}

}  // namespace openclawd::gate
