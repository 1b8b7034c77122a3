#include "duration.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>

namespace openclawd::cli {

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  const auto bad = [&] {
    return make_error(
        fmt::format("\"{}\" is not a duration; write e.g. 90s, 30m, 12h, 7d or 1h30m", text));
  };
  if (text.empty()) return bad();
  constexpr std::int64_t kLimit = 100LL * 365 * 24 * 3600;  // beyond: a typo
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return bad();
    std::int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i] - '0');
      if (value > kLimit) return bad();
      ++i;
    }
    std::int64_t unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 86400;
          break;
        default:
          return bad();
      }
      ++i;
    } else if (total != 0) {
      return bad();  // "1h30": a number without its unit after a unit
    }
    total += value * unit;
    if (total > kLimit) return bad();
  }
  if (total <= 0) return bad();
  return std::chrono::seconds(total);
}

}  // namespace openclawd::cli
