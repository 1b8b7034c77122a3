#pragma once
// A policy like policies/gogcli.json, built in the test so it can vary.
#include <string>

namespace openclawd::gate::testing {

inline std::string policy_json(const std::string& gog_path = "/usr/local/bin/gog",
                               bool allow_write = false, const std::string& extra = "") {
  return R"({
  "gog_path": ")" +
         gog_path + R"(",
  "home": "/persist/gogcli",
  "allow_write": )" +
         (allow_write ? "true" : "false") + R"(,
  "subcommands": {
    "gmail": {"search": "read", "messages search": "read", "get": "read",
              "send": "write", "drafts create": "write"},
    "calendar": {"events": "read", "create": "write", "update": "write"},
    "docs": {"cat": "read", "export": "read"}
  },
  "denied_flags": ["--account", "-a", "--attach"],
  "limits": {"max_args": 8, "max_arg_bytes": 32, "max_command_bytes": 200})" +
         extra + "\n}";
}

}  // namespace openclawd::gate::testing
