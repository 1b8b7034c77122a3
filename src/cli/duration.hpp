#pragma once
// Durations on the command line: "90s", "30m", "12h", "7d", combined ("1h30m"),
// or a bare number of seconds.

#include <chrono>
#include <string_view>

#include "openclawd/core/result.hpp"

namespace openclawd::cli {

Result<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace openclawd::cli
