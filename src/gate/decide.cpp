// Matches one command against the policy. Order matters for the reason shown:
// size limits first (cheap, before splitting), then shell syntax, then the
// reading of the words as gog's parser sees them (verb and flags), then write
// permission.
#include "openclawd/gate/command_splitter.hpp"
#include "openclawd/gate/decision.hpp"

namespace openclawd::gate {
namespace {

Decision deny(Decision d, std::string reason) {
  d.allowed = false;
  d.reason = std::move(reason);
  return d;
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

  auto reading = read_gog_argv(policy, args);
  if (!reading.path.empty()) d.subcommand = reading.path.front();
  for (std::size_t i = 1; i < reading.path.size(); ++i) {
    d.verb += (d.verb.empty() ? "" : " ") + reading.path[i];
  }
  d.refused_flag = std::move(reading.refused_flag);
  d.flags = std::move(reading.flags);
  if (!reading.ok) return deny(d, std::move(reading.reason));
  d.verb_class = reading.verb->verb_class;
  const std::string name = "\"" + d.subcommand + " " + d.verb + "\"";
  if (d.verb_class == VerbClass::write && !policy.allow_write) {
    return deny(d, name +
                       " writes, and the policy allows reads only (set \"allow_write\": true "
                       "to permit)");
  }
  d.allowed = true;
  d.reason = name + " is an allowed " + std::string(to_string(*d.verb_class)) + " verb";
  return d;
}

}  // namespace openclawd::gate
