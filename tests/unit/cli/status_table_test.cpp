// `openclawd status` as people read it: grouped sections laid out for the
// terminal's width, checked against golden output at 80 and 132 columns made
// from a recorded status (tests/fixtures/cli/status.json, the daemon's shape).
// OPENCLAWD_UPDATE_GOLDEN=1 rewrites the golden files after a deliberate change.
#include "../src/cli/status_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../src/cli/text_layout.hpp"
#include "common/temp_dir.hpp"

namespace openclawd::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json recorded_status() {
  return nlohmann::json::parse(
      read_text(openclawd::testing::source_dir() / "tests/fixtures/cli/status.json"));
}

void expect_golden(std::size_t width) {
  const auto golden = openclawd::testing::source_dir() /
                      ("tests/fixtures/cli/status-" + std::to_string(width) + ".txt");
  const auto text = format_status_table(recorded_status(), width);
  if (std::getenv("OPENCLAWD_UPDATE_GOLDEN") != nullptr) std::ofstream(golden) << text;
  EXPECT_EQ(text, read_text(golden)) << "at " << width << " columns; if the change is meant, "
                                     << "rerun with OPENCLAWD_UPDATE_GOLDEN=1";
}

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    widest = std::max(widest, display_width(line));
  }
  return widest;
}

TEST(StatusTable, DurationsAreShort) {
  EXPECT_EQ(format_duration(42), "42s");
  EXPECT_EQ(format_duration(307), "5m07s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(273600), "3d04h");
  EXPECT_EQ(format_duration(-1), "-");
}

TEST(StatusTable, GoldenAt80Columns) {
  expect_golden(80);
}

TEST(StatusTable, GoldenAt132Columns) {
  expect_golden(132);
}

TEST(StatusTable, NoLineIsWiderThanTheTerminal) {
  const auto status = recorded_status();
  for (std::size_t width = 40; width <= 200; ++width) {
    EXPECT_LE(widest_line(format_status_table(status, width)), width) << "width " << width;
  }
}

TEST(StatusTable, EverySectionIsThere) {
  const auto text = format_status_table(recorded_status(), 80);
  for (const char* heading : {"openclawd 0.1.0", "VMs\n", "Network", "DNS", "Defender",
                              "Inference gateway", "Audit", "Secrets\n"}) {
    EXPECT_THAT(text, HasSubstr(heading));
  }
  EXPECT_THAT(text, HasSubstr("accepted 1234  dropped 17"));
  EXPECT_THAT(text, HasSubstr("allow 500  sanitize 20  block 10"));
  EXPECT_THAT(text, HasSubstr("2 pending"));
  EXPECT_THAT(text, Not(HasSubstr("{\"")));  // no raw JSON
}

TEST(StatusTable, NarrowTerminalsDropMinorColumnsFirst) {
  const auto wide = format_status_table(recorded_status(), 132);
  const auto narrow = format_status_table(recorded_status(), 40);
  EXPECT_THAT(wide, HasSubstr("RATE-LIMITED"));
  EXPECT_THAT(narrow, Not(HasSubstr("RATE-LIMITED")));
  EXPECT_THAT(narrow, HasSubstr("BLOCKED"));  // what matters stays
}

TEST(StatusTable, AFailedVmSaysWhy) {
  const auto text = format_status_table(recorded_status(), 80);
  EXPECT_THAT(text, HasSubstr("openclaw: crash loop: 5 restarts within 300 s;"));
}

TEST(StatusTable, NoVmsSaysSo) {
  const auto text = format_status_table(nlohmann::json::parse(R"({"daemon": {}, "vms": []})"));
  EXPECT_THAT(text, HasSubstr("VMs: none configured"));
}

TEST(StatusTable, UnknownServicesAndEventsAreShown) {
  const auto status = nlohmann::json::parse(R"({
    "daemon": {"version": "0.2.0"}, "vms": [],
    "services": {"metrics": {"listen": "127.0.0.1:9464", "scrapes": 7}},
    "events": [{"ts": "2026-12-02T06:00:00Z", "kind": "dns-blocked", "vm": "openclaw",
                "text": "evil.example"}]})");
  const auto text = format_status_table(status, 80);
  EXPECT_THAT(text, HasSubstr("metrics\n  listen=127.0.0.1:9464  scrapes=7"));
  EXPECT_THAT(text, HasSubstr("Recent events\n  2026-12-02T06:00:00Z  dns-blocked  openclaw"));
}

TEST(StatusTable, OddValuesNeverBreakTheLayout) {
  const auto status = nlohmann::json::parse(R"({
    "daemon": "not an object", "vms": [{"name": 5, "uptime_s": "x"}],
    "services": {"dns": {"vms": {"a": "b"}, "listen": 3}, "network": [], "audit": null}})");
  for (std::size_t width : {40, 80}) {
    EXPECT_LE(widest_line(format_status_table(status, width)), width);
  }
}

TEST(TextLayout, FitCutsWithAnEllipsis) {
  EXPECT_EQ(fit("abcdef", 6), "abcdef");
  EXPECT_EQ(fit("abcdefgh", 6), "abc...");
  EXPECT_EQ(fit("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4), "\xc3\xa9...");
}

TEST(TextLayout, WrapItemsHangsUnderTheFirstItem) {
  EXPECT_EQ(wrap_items("by", {"aaaa", "bbbb", "cccc"}, 16), "  by: aaaa  bbbb\n      cccc\n");
}

}  // namespace
}  // namespace openclawd::cli
