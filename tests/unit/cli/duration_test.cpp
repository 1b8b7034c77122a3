// `--for DURATION` of `openclawd egress allow`.
#include "../src/cli/duration.hpp"

#include <gtest/gtest.h>

namespace openclawd::cli {
namespace {

using namespace std::chrono_literals;

TEST(Duration, UnitsAndCombinations) {
  EXPECT_EQ(parse_duration("90").value(), 90s);
  EXPECT_EQ(parse_duration("90s").value(), 90s);
  EXPECT_EQ(parse_duration("30m").value(), 30min);
  EXPECT_EQ(parse_duration("12h").value(), 12h);
  EXPECT_EQ(parse_duration("7d").value(), 7 * 24h);
  EXPECT_EQ(parse_duration("1h30m").value(), 90min);
}

TEST(Duration, NonsenseIsRefusedWithAnExample) {
  for (const char* text :
       {"", "soon", "0", "0s", "-5m", "1x", "h", "1h30", "1.5h", "99999999999999999999d"}) {
    auto parsed = parse_duration(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.error().message.find("e.g. 90s, 30m, 12h, 7d or 1h30m"), std::string::npos);
  }
}

}  // namespace
}  // namespace openclawd::cli
