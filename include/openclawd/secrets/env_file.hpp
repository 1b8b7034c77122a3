#pragma once
// Building an environment file (`NAME=value` lines) from values that came from
// files: one line per value, so a newline, carriage return or NUL inside a value
// would inject another variable and is refused. Errors name the variable and
// where the value came from, never the value.

#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::secrets {

struct EnvEntry {
  std::string name;  // [A-Za-z_][A-Za-z0-9_]*
  std::string value;
  std::string origin;  // for messages: "admin file /etc/openclawd/secrets/brave-api-key"
};

// The file's content; entries keep their order; a name given twice is an error.
Result<std::string> build_env_file(const std::vector<EnvEntry>& entries);

// A value read from a file: one trailing "\n" or "\r\n" removed (editors add it).
std::string strip_final_newline(std::string value);

bool is_valid_env_name(const std::string& name);

}  // namespace openclawd::secrets
