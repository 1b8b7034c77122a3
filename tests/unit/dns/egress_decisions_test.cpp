// The admin's egress decisions: pending names (bounded), decisions with and
// without expiry, the file that keeps them across restarts, and its checks.
#include "openclawd/dns/egress_decisions.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "common/temp_dir.hpp"

namespace openclawd::dns {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

const WallClock::time_point kNoon = WallClock::time_point(1'764'676'800s);  // 2025-12-02 12:00

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(EgressDecisions, PendingNamesAreCountedAndBounded) {
  EgressDecisions store({}, 3);
  store.note_pending("openclaw", "A.example.", kNoon);
  store.note_pending("openclaw", "a.example", kNoon + 5s);
  store.note_pending("gogcli", "a.example", kNoon + 6s);
  auto pending = store.pending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[1].name, "a.example");
  EXPECT_EQ(pending[1].count, 2u);
  EXPECT_EQ(pending[1].first_seen, kNoon);
  EXPECT_EQ(pending[1].last_seen, kNoon + 5s);
  EXPECT_EQ(pending[0].vm, "gogcli");  // most recent first
  store.note_pending("openclaw", "b.example", kNoon + 7s);
  store.note_pending("openclaw", "c.example", kNoon + 8s);  // the oldest goes
  pending = store.pending();
  ASSERT_EQ(pending.size(), 3u);
  for (const auto& entry : pending)
    EXPECT_FALSE(entry.vm == "openclaw" && entry.name == "a.example");
  EXPECT_EQ(store.counts(kNoon)["pending_dropped"], 1);
}

TEST(EgressDecisions, DecisionsApplyPerVmAndExpire) {
  EgressDecisions store({});
  ASSERT_TRUE(store.decide("openclaw", "api.example", EgressVerdict::allow, 1h, kNoon));
  ASSERT_TRUE(store.decide("openclaw", "bad.example", EgressVerdict::deny, std::nullopt, kNoon));
  EXPECT_EQ(store.find("openclaw", "API.example.", kNoon + 59min), EgressVerdict::allow);
  EXPECT_EQ(store.find("openclaw", "api.example", kNoon + 1h), std::nullopt);  // expired
  EXPECT_EQ(store.find("gogcli", "api.example", kNoon), std::nullopt);         // other VM
  EXPECT_EQ(store.find("openclaw", "bad.example", kNoon + 1000h), EgressVerdict::deny);
  EXPECT_EQ(store.counts(kNoon)["allowed"], 1);
  EXPECT_EQ(store.counts(kNoon + 2h)["allowed"], 0);
  EXPECT_EQ(store.decisions(kNoon + 2h).size(), 1u);
  EXPECT_FALSE(store.decide("openclaw", "bad name!", EgressVerdict::allow, std::nullopt, kNoon));
}

TEST(EgressDecisions, DecidingForgetsThePendingName) {
  EgressDecisions store({});
  store.note_pending("openclaw", "api.example", kNoon);
  ASSERT_TRUE(store.decide("openclaw", "api.example.", EgressVerdict::allow, std::nullopt, kNoon));
  EXPECT_TRUE(store.pending().empty());
}

TEST(EgressDecisions, TheFileSurvivesARestart) {
  openclawd::testing::TempDir dir;
  const auto file = dir.path() / "state" / "egress-decisions.json";
  {
    EgressDecisions store(file);
    ASSERT_TRUE(store.load());  // no file yet: empty
    ASSERT_TRUE(store.decide("openclaw", "api.example", EgressVerdict::allow, 1h, kNoon));
    ASSERT_TRUE(store.decide("openclaw", "bad.example", EgressVerdict::deny, std::nullopt, kNoon));
  }
  EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u);
  EXPECT_THAT(read_text(file), HasSubstr(R"("decision": "deny")"));
  EgressDecisions again(file);
  ASSERT_TRUE(again.load());
  EXPECT_EQ(again.find("openclaw", "api.example", kNoon + 1min), EgressVerdict::allow);
  EXPECT_EQ(again.find("openclaw", "api.example", kNoon + 2h), std::nullopt);
  EXPECT_EQ(again.find("openclaw", "bad.example", kNoon), EgressVerdict::deny);
}

TEST(EgressDecisions, AFailedWriteChangesNothing) {
  openclawd::testing::TempDir dir;
  // The file's directory is a regular file: nothing can be written below it.
  const auto blocker = dir.write("state", "not a directory");
  EgressDecisions store(blocker / "egress-decisions.json");
  auto status = store.decide("openclaw", "api.example", EgressVerdict::allow, std::nullopt, kNoon);
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("egress-decisions.json"));
  EXPECT_EQ(store.find("openclaw", "api.example", kNoon), std::nullopt);
}

TEST(EgressDecisions, ACorruptFileIsAClearError) {
  openclawd::testing::TempDir dir;
  const auto file = dir.write("egress-decisions.json", R"({"version": 1, "decisions": [)");
  EgressDecisions store(file);
  auto status = store.load();
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("egress-decisions.json: not valid JSON"));
}

TEST(EgressDecisions, TheFileIsChecked) {
  auto check = [](const std::string& text) {
    auto parsed = parse_decisions(text, "f.json");
    return parsed ? std::string("ok") : parsed.error().message;
  };
  EXPECT_EQ(check(R"({"version": 1, "decisions": []})"), "ok");
  EXPECT_THAT(check(R"([])"), HasSubstr("must be a JSON object"));
  EXPECT_THAT(check(R"({"version": 2, "decisions": []})"), HasSubstr("/version: must be 1"));
  EXPECT_THAT(check(R"({"version": 1})"), HasSubstr("/decisions: must be an array"));
  EXPECT_THAT(check(R"({"version": 1, "decisions": [{"vm": "a", "name": "x.example",
              "decision": "maybe", "decided_at": 1}]})"),
              HasSubstr("f.json: /decisions/0/decision: must be \"allow\" or \"deny\""));
  EXPECT_THAT(check(R"({"version": 1, "decisions": [{"vm": "a", "name": "x..example",
              "decision": "allow", "decided_at": 1}]})"),
              HasSubstr("/decisions/0/name: the name has an empty label"));
  EXPECT_THAT(check(R"({"version": 1, "decisions": [{"vm": "a", "name": "x.example",
              "decision": "allow", "decided_at": -5}]})"),
              HasSubstr("/decisions/0/decided_at: must be a time in Unix seconds"));
  EXPECT_THAT(check(R"({"version": 1, "decisions": [{"vm": "a", "name": "x.example",
              "decision": "allow"}]})"),
              HasSubstr("\"decided_at\" is missing"));
  EXPECT_THAT(check(R"({"version": 1, "decisions": [{"vm": "a", "name": "x.example",
              "decision": "allow", "decided_at": 1, "extra": 1}]})"),
              HasSubstr("/decisions/0/extra: unknown key"));
}

TEST(EgressDecisions, OnlyDnsNamesCanBeDecided) {
  EXPECT_EQ(canonical_destination("API.Example.COM.").value(), "api.example.com");
  EXPECT_EQ(canonical_destination("_dmarc.example").value(), "_dmarc.example");
  EXPECT_FALSE(canonical_destination(""));
  EXPECT_FALSE(canonical_destination("."));
  EXPECT_FALSE(canonical_destination("*.example"));
  EXPECT_FALSE(canonical_destination("a b.example"));
  EXPECT_FALSE(canonical_destination(std::string(64, 'a') + ".example"));
  EXPECT_FALSE(canonical_destination(std::string(300, 'a')));
  EXPECT_THAT(canonical_destination("a\x01.example").error().message, HasSubstr("byte 0x01"));
}

}  // namespace
}  // namespace openclawd::dns
