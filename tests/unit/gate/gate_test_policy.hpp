#pragma once
// A policy like policies/gogcli.json, built in the test so it can vary: a few
// verbs with flags that cover every kind Kong knows (value, boolean, short,
// one-letter alias, negatable, enum, pattern, slice).
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
  "global_flags": {
    "json": {"takes_value": false, "short": "j", "aliases": ["machine"]},
    "plain": {"takes_value": false, "short": "p"},
    "select": {"takes_value": true, "aliases": ["pick"], "max_length": 16}
  },
  "commands": {
    "gmail": {"aliases": ["mail"]},
    "gmail search": {"class": "read", "aliases": ["find"], "flags": {
      "max": {"takes_value": true, "aliases": ["limit", "l"], "pattern": "[0-9]+"},
      "timezone": {"takes_value": true, "short": "z"},
      "all": {"takes_value": false, "negatable": true},
      "label": {"takes_value": true, "type": "[]string"}}},
    "gmail messages search": {"class": "read", "flags": {"max": {"takes_value": true}}},
    "gmail get": {"class": "read", "flags": {"format": {"takes_value": true, "enum": ["full", "raw"]}}},
    "gmail send": {"class": "write", "flags": {"to": {"takes_value": true}, "subject": {"takes_value": true}}},
    "gmail drafts create": {"class": "write", "flags": {"to": {"takes_value": true}}},
    "calendar events": {"class": "read", "flags": {"days": {"takes_value": true}}},
    "calendar create": {"class": "write"},
    "calendar update": {"class": "write"},
    "docs cat": {"class": "read"},
    "docs export": {"class": "read", "flags": {"format": {"takes_value": true, "enum": ["pdf", "txt"]}}}
  },
  "limits": {"max_args": 8, "max_arg_bytes": 32, "max_command_bytes": 200})" +
         extra + "\n}";
}

}  // namespace openclawd::gate::testing
