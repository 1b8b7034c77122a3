#pragma once
// The compiled Vectorscan database on disk (hs_serialize_database), so that a
// CLI start or a daemon restart does not compile the rules again. The file is
// named by a key that covers everything the compiled bytes depend on: the
// rules file's SHA-256, every expression as compiled (folded pattern, flags,
// id), the Vectorscan version and the CPU features it was built for. A file
// whose key, length or checksum does not match, or that Vectorscan refuses, is
// ignored and replaced.

#include <hs/hs.h>

#include <filesystem>
#include <string>
#include <vector>

namespace openclawd::defender {

struct CompileInput {
  std::vector<std::string> expressions;
  std::vector<unsigned int> flags;
  std::vector<unsigned int> ids;
  std::string rules_sha256;  // of the rules file; empty for rules not read from a file
};

// Hex SHA-256 over the compile input, the Vectorscan version and the platform.
std::string database_cache_key(const CompileInput& input);

// The cached database for `key` in `dir`, or null (absent, stale or corrupt:
// `why` says which, for the log).
hs_database_t* load_cached_database(const std::filesystem::path& dir, const std::string& key,
                                    std::string& why);

// Writes the database for `key` (atomically: temp file, then rename). An empty
// result means it was written; otherwise why not.
std::string store_cached_database(const std::filesystem::path& dir, const std::string& key,
                                  const hs_database_t* database);

}  // namespace openclawd::defender
