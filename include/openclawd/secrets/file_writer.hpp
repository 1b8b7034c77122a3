#pragma once
// Atomic, permission-tight file writes for secrets: a reader (the guest, over
// virtiofs) sees either the old content or the new one, never a partial file,
// and never a moment where the file is readable by anyone it should not be.

#include <sys/types.h>

#include <filesystem>
#include <string_view>

#include "openclawd/core/result.hpp"

namespace openclawd::secrets {

// Who owns a secret file or directory; -1 leaves that id as the process's own.
struct Ownership {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

// Writes `content` to a temporary file beside `path` (mode and owner set before
// any byte is written), fsyncs it, renames it over `path` and fsyncs the
// directory. Errors name `path`, never the content.
Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                             mode_t mode, Ownership owner = {});

// Creates `dir` (and missing parents, mode 0755 root-owned) and forces its mode
// and owner even when it already existed. Refuses a symlink.
Status ensure_directory(const std::filesystem::path& dir, mode_t mode, Ownership owner = {});

// Reads a whole small file (secrets are a few KiB at most; larger is an error).
Result<std::string> read_small_file(const std::filesystem::path& path);

// Resolves user/group names or numbers ("" leaves that id unchanged).
Result<Ownership> resolve_ownership(const std::string& user, const std::string& group);

}  // namespace openclawd::secrets
