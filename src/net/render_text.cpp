// Ruleset -> nft syntax. The output is accepted by `nft -f` as is.
#include <fmt/format.h>

#include "openclawd/net/ruleset.hpp"

namespace openclawd::net {
namespace {

std::string_view verdict_text(Verdict v) {
  switch (v) {
    case Verdict::accept:
      return "accept";
    case Verdict::drop:
      return "drop";
    case Verdict::none:
      break;
  }
  return "";
}

std::string rule_text(const Rule& rule) {
  std::string out;
  auto add = [&out](std::string_view part) {
    if (!out.empty()) out += ' ';
    out += part;
  };
  for (const auto& m : rule.matches) add(m.text);
  if (rule.limit) {
    add(fmt::format("limit rate {}/second burst {} packets", rule.limit->per_second,
                    rule.limit->burst));
  }
  if (rule.log) add(fmt::format("log prefix \"{}\" group {}", rule.log->prefix, rule.log->group));
  if (rule.masquerade) add("masquerade");
  if (rule.verdict != Verdict::none) add(verdict_text(rule.verdict));
  return out;
}

}  // namespace

std::string_view to_string(Family family) {
  switch (family) {
    case Family::ip:
      return "ip";
    case Family::inet:
      return "inet";
    case Family::bridge:
      return "bridge";
  }
  return "?";
}

std::string render_text(const Ruleset& ruleset) {
  std::string out;
  for (const auto& table : ruleset.tables) {
    out += fmt::format("table {} {} {{\n", to_string(table.family), table.name);
    for (const auto& set : table.sets) {
      out += fmt::format("\tset {} {{\n\t\ttype ipv4_addr\n\t\tflags timeout\n\t}}\n", set.name);
    }
    for (const auto& chain : table.chains) {
      out += fmt::format("\tchain {} {{\n", chain.name);
      out += fmt::format("\t\ttype {} hook {} priority {}; policy {};\n", chain.type, chain.hook,
                         chain.priority, verdict_text(chain.policy));
      for (const auto& rule : chain.rules) out += fmt::format("\t\t{}\n", rule_text(rule));
      out += "\t}\n";
    }
    out += "}\n";
  }
  return out;
}

}  // namespace openclawd::net
