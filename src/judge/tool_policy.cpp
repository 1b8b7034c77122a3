#include "openclawd/judge/tool_policy.hpp"

#include <algorithm>
#include <cctype>

namespace openclawd::judge {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// "  gog   gmail\tsend " -> "gog gmail send " (a trailing separator is kept so
// that an entry like "rm " does not match "rmdir").
std::string collapse_whitespace(std::string_view text) {
  std::string out;
  bool in_space = true;  // drops leading whitespace
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!in_space) out.push_back(' ');
      in_space = true;
    } else {
      out.push_back(c);
      in_space = false;
    }
  }
  return out;
}

void collect_command_lines(const nlohmann::json& arguments, std::vector<std::string>& out) {
  if (arguments.is_string()) {
    out.push_back(collapse_whitespace(arguments.get<std::string>()) + " ");
    return;
  }
  if (!arguments.is_object()) return;
  for (const char* key : {"command", "cmd", "script", "commandLine"}) {
    auto found = arguments.find(key);
    if (found != arguments.end() && found->is_string()) {
      out.push_back(collapse_whitespace(found->get<std::string>()) + " ");
    }
  }
  for (const char* key : {"argv", "args"}) {
    auto found = arguments.find(key);
    if (found == arguments.end() || !found->is_array()) continue;
    std::string joined;
    for (const auto& item : *found) {
      if (item.is_string()) joined += item.get<std::string>() + " ";
    }
    out.push_back(collapse_whitespace(joined) + " ");
  }
}

}  // namespace

DangerousToolPolicy::DangerousToolPolicy(std::vector<std::string> tools,
                                         std::vector<std::string> commands) {
  for (auto& tool : tools) tools_.push_back(lower(tool));
  for (auto& command : commands) {
    bool trailing_space =
        !command.empty() && std::isspace(static_cast<unsigned char>(command.back()));
    auto collapsed = collapse_whitespace(command);
    if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    if (collapsed.empty()) continue;
    commands_.push_back(trailing_space ? collapsed + " " : collapsed);
  }
}

std::string DangerousToolPolicy::match(std::string_view tool_name,
                                       const nlohmann::json& arguments) const {
  auto name = lower(tool_name);
  for (const auto& tool : tools_) {
    if (!tool.empty() && tool.back() == '*') {
      if (name.starts_with(std::string_view(tool).substr(0, tool.size() - 1))) return tool;
    } else if (name == tool) {
      return tool;
    }
  }
  std::vector<std::string> lines;
  collect_command_lines(arguments, lines);
  for (const auto& line : lines) {
    for (const auto& command : commands_) {
      if (line.starts_with(command)) return command;
      // Also after a shell separator: "cd /tmp && gog gmail send ...".
      for (std::string_view separator : {"; ", "&& ", "|| ", "| "}) {
        std::string needle = std::string(separator) + command;
        if (line.find(needle) != std::string::npos) return command;
      }
    }
  }
  return {};
}

}  // namespace openclawd::judge
