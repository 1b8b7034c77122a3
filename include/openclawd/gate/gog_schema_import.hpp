#pragma once
// `gog schema` prints gog's command tree as JSON (schema_version 1: every
// command node with its aliases, positionals, subcommands and flags, where a
// node's flags include those of its ancestors, the root's being the global
// ones). This turns it into an allowlist policy for the gate: every leaf
// command a verb (class "read" when its name says it reads, else "write"),
// every flag of it with aliases, short and arity, and only the global flags
// known to be safe. The admin then trims it.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::gate {

struct SchemaImportOptions {
  // Command paths to keep ("gmail", "gmail messages search"); empty keeps all.
  std::vector<std::string> only;
  std::filesystem::path gog_path = "/usr/local/bin/gog";
  std::filesystem::path home = "/persist/gogcli";
};

struct SchemaImport {
  std::string policy_json;         // the policy document, ready to save
  std::vector<std::string> notes;  // what was left out, and why
  std::size_t read_verbs = 0;
  std::size_t write_verbs = 0;
};

// The global flags the importer keeps (output format and safety switches).
const std::vector<std::string>& safe_global_flags();

// Errors name the JSON pointer in the schema that could not be used.
Result<SchemaImport> import_gog_schema(std::string_view schema_json,
                                       const SchemaImportOptions& options);

}  // namespace openclawd::gate
