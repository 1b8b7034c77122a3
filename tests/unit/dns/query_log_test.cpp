#include "openclawd/dns/query_log.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/temp_dir.hpp"

namespace openclawd::dns {
namespace {

QueryRecord sample() {
  QueryRecord r;
  r.ts = std::chrono::system_clock::time_point(std::chrono::microseconds(1700000000123456));
  r.vm = "openclaw";
  r.client = "192.168.83.10:5353";
  r.transport = "udp";
  r.qname = "www.example.com";
  r.qtype = "A";
  r.rcode = "NOERROR";
  r.answers = {"192.0.2.1", "192.0.2.2"};
  r.ttl = 300;
  r.latency_us = 812;
  r.cached = true;
  r.action = "answered";
  return r;
}

TEST(DnsQueryLog, RecordHasEveryField) {
  auto line = to_json_line(sample());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["ts"], "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(j["vm"], "openclaw");
  EXPECT_EQ(j["client"], "192.168.83.10:5353");
  EXPECT_EQ(j["qname"], "www.example.com");
  EXPECT_EQ(j["qtype"], "A");
  EXPECT_EQ(j["rcode"], "NOERROR");
  EXPECT_EQ(j["answers"], nlohmann::json({"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(j["ttl"], 300);
  EXPECT_EQ(j["latency_us"], 812);
  EXPECT_EQ(j["cached"], true);
  EXPECT_EQ(j["action"], "answered");
  EXPECT_TRUE(j["rule"].is_null());
}

TEST(DnsQueryLog, InvalidUtf8InNamesDoesNotThrow) {
  auto r = sample();
  r.qname = std::string("bad\xff\xfe.example");
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(to_json_line(r)));
  EXPECT_EQ(parsed["vm"], "openclaw");
}

TEST(DnsQueryLog, RotatesBySize) {
  openclawd::testing::TempDir dir;
  const auto file = dir.path() / "dns.jsonl";
  QueryLog log(file, 1000, 2);
  ASSERT_TRUE(log.open());
  for (int i = 0; i < 20; ++i) log.write(sample());
  EXPECT_TRUE(std::filesystem::exists(file.string() + ".1"));
  EXPECT_TRUE(std::filesystem::exists(file.string() + ".2"));
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".3"));
  EXPECT_LT(std::filesystem::file_size(file), 1000u);
  std::ifstream rotated(file.string() + ".1");
  std::string line;
  int lines = 0;
  while (std::getline(rotated, line)) {
    EXPECT_EQ(nlohmann::json::parse(line)["qname"], "www.example.com");
    ++lines;
  }
  EXPECT_GT(lines, 1);
}

std::size_t lines_in(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::size_t count = 0;
  while (std::getline(in, line)) ++count;
  return count;
}

// Held lines stay out of the file until the outermost release, then all arrive;
// unheld lines arrive at once.
TEST(DnsQueryLog, HeldLinesArriveTogetherAtTheRelease) {
  openclawd::testing::TempDir dir;
  const auto file = dir.path() / "dns.jsonl";
  QueryLog log(file, 0, 1);
  ASSERT_TRUE(log.open());
  log.write(sample());
  EXPECT_EQ(lines_in(file), 1u);
  log.hold();
  log.hold();
  for (int i = 0; i < 40; ++i) log.write(sample());  // more than a stream buffer holds
  EXPECT_EQ(lines_in(file), 1u);
  log.release();
  EXPECT_EQ(lines_in(file), 1u);  // still inside the outer hold
  log.release();
  EXPECT_EQ(lines_in(file), 41u);
  log.release();  // unbalanced: ignored
  log.write(sample());
  EXPECT_EQ(lines_in(file), 42u);
}

// Rotation while lines are held, and destruction while held, lose nothing.
TEST(DnsQueryLog, HeldLinesSurviveRotationAndDestruction) {
  openclawd::testing::TempDir dir;
  const auto file = dir.path() / "dns.jsonl";
  {
    QueryLog log(file, 1000, 20);  // keeps every rotated file of this test
    ASSERT_TRUE(log.open());
    log.hold();
    for (int i = 0; i < 30; ++i) log.write(sample());
  }
  std::size_t total = lines_in(file);
  for (int i = 1; i <= 20; ++i) total += lines_in(file.string() + "." + std::to_string(i));
  EXPECT_EQ(total, 30u);
}

}  // namespace
}  // namespace openclawd::dns
