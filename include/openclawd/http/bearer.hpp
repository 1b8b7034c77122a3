#pragma once
// Bearer tokens of the daemon's HTTP services (the defender API, the inference
// gateway). The guests' tokens are files that the secrets module renews at
// every boot, so they are read at every check; comparisons take the same time
// whatever part of a guess was right.

#include <filesystem>
#include <string>
#include <string_view>

namespace openclawd::http {

// The token of an "Authorization: Bearer <token>" header value (scheme
// case-insensitive, surrounding blanks removed); empty when absent or malformed.
std::string_view bearer_token(std::string_view authorization);

// Equal and non-empty, compared without an early exit.
bool same_secret(std::string_view a, std::string_view b);

// The first 4 KiB of `file` without trailing blanks and newlines; empty when
// the file cannot be read.
std::string read_token_file(const std::filesystem::path& file);

}  // namespace openclawd::http
