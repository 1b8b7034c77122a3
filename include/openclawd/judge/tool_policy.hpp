#pragma once
// Which tool calls are dangerous enough for an intent-alignment check.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace openclawd::judge {

class DangerousToolPolicy {
 public:
  DangerousToolPolicy(std::vector<std::string> tools, std::vector<std::string> commands);

  // The entry that makes this call dangerous, or "" when it is not. Tools match
  // by name (case-insensitive, trailing '*' = prefix); commands match the start
  // of any command line in the arguments ("command", "cmd", "argv", "script"),
  // after collapsing whitespace.
  std::string match(std::string_view tool_name, const nlohmann::json& arguments) const;

 private:
  std::vector<std::string> tools_;     // lower-cased
  std::vector<std::string> commands_;  // whitespace-collapsed
};

}  // namespace openclawd::judge
