#include "openclawd/secrets/env_file.hpp"

#include <fmt/format.h>

#include <set>

namespace openclawd::secrets {

bool is_valid_env_name(const std::string& name) {
  if (name.empty()) return false;
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!letter(name.front())) return false;
  for (char c : name) {
    if (!letter(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string strip_final_newline(std::string value) {
  if (!value.empty() && value.back() == '\n') value.pop_back();
  if (!value.empty() && value.back() == '\r') value.pop_back();
  return value;
}

Result<std::string> build_env_file(const std::vector<EnvEntry>& entries) {
  std::string content;
  std::set<std::string> seen;
  for (const auto& entry : entries) {
    if (!is_valid_env_name(entry.name)) {
      return make_error(
          fmt::format("environment variable name '{}' (from {}) is not a valid "
                      "name; use letters, digits and '_'",
                      entry.name, entry.origin));
    }
    if (!seen.insert(entry.name).second) {
      return make_error(
          fmt::format("environment variable {} is given twice (second from {}); "
                      "keep one",
                      entry.name, entry.origin));
    }
    // The value is never quoted into the message: it is a secret.
    if (entry.value.find_first_of(std::string_view("\n\r\0", 3)) != std::string::npos) {
      return make_error(
          fmt::format("the value of {} (from {}) contains a line break or NUL "
                      "byte; an environment file holds one line per variable, so "
                      "fix the file to hold the value on one line",
                      entry.name, entry.origin));
    }
    content += entry.name;
    content += '=';
    content += entry.value;
    content += '\n';
  }
  return content;
}

}  // namespace openclawd::secrets
