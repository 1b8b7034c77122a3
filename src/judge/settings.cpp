#include "openclawd/judge/settings.hpp"

namespace openclawd::judge {

std::string_view to_string(FailMode mode) {
  return mode == FailMode::closed ? "closed" : "open";
}

FailMode JudgeSettings::fail_mode_for(std::string_view source) const {
  auto found = fail_mode_by_source.find(source);
  return found == fail_mode_by_source.end() ? default_fail_mode : found->second;
}

}  // namespace openclawd::judge
