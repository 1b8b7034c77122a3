#pragma once
// Splits SSH_ORIGINAL_COMMAND into an argv the way a POSIX shell would quote
// it (single quotes, double quotes, backslash), without ever expanding
// anything. Every construct a shell would interpret (`$`, backticks, globs,
// `;`, `|`, `&`, redirections, subshells, comments, `~`) is an error instead,
// so what the agent typed is exactly what `gog` receives, or nothing runs.

#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::gate {

// The words of `command`; an error names the column and the construct.
Result<std::vector<std::string>> split_command(std::string_view command);

}  // namespace openclawd::gate
