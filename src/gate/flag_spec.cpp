// How a policy flag is spelled and what its values may be.
#include <re2/re2.h>

#include <algorithm>

#include "openclawd/gate/policy.hpp"

namespace openclawd::gate {

bool FlagSpec::has_long(std::string_view spelling) const {
  if (spelling == name) return true;
  if (negatable && spelling.size() == name.size() + 3 && spelling.substr(0, 3) == "no-" &&
      spelling.substr(3) == name) {
    return true;
  }
  // Kong spells a one-letter alias as a short (-l), never as --l.
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](const std::string& a) { return a.size() > 1 && a == spelling; });
}

bool FlagSpec::has_short(char letter) const {
  if (short_name != 0 && letter == short_name) return true;
  return std::any_of(aliases.begin(), aliases.end(),
                     [&](const std::string& a) { return a.size() == 1 && a[0] == letter; });
}

bool FlagSpec::splits_value() const {
  return type.rfind("[]", 0) == 0 || type.rfind("map[", 0) == 0;
}

std::string FlagSpec::value_refusal(std::string_view value) const {
  if (max_length != 0 && value.size() > max_length) {
    return "its value is " + std::to_string(value.size()) + " bytes, the policy allows " +
           std::to_string(max_length);
  }
  if (!allowed_values.empty() &&
      std::find(allowed_values.begin(), allowed_values.end(), value) == allowed_values.end()) {
    std::string list;
    for (const auto& v : allowed_values) list += (list.empty() ? "" : ", ") + v;
    return "its value is not one the policy allows (" + list + ")";
  }
  if (compiled_pattern &&
      !RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *compiled_pattern)) {
    return "its value does not match the policy's pattern " + pattern;
  }
  return "";
}

const CommandNode* CommandNode::child(std::string_view word) const {
  for (const auto& c : children) {
    if (c.name == word) return &c;
  }
  // Kong ignores an alias that is also a sibling's name; the loader refuses
  // such policies, so the first alias match is the only one.
  for (const auto& c : children) {
    if (std::find(c.aliases.begin(), c.aliases.end(), word) != c.aliases.end()) return &c;
  }
  return nullptr;
}

}  // namespace openclawd::gate
