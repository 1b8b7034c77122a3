// The query pipeline with test doubles behind it: a scripted Upstream (the
// real one is libunbound, exercised by tests/integration/dns) and a recording
// AllowlistSink (the real one is the net module's nft set adapter).
#include "openclawd/dns/query_processor.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "common/temp_dir.hpp"
#include "wire_builder.hpp"

namespace openclawd::dns {
namespace {

using testing::make_query;
using testing::WireBuilder;

class ScriptedUpstream : public Upstream {
 public:
  void resolve(const Question& question, Callback done) override {
    asked.push_back(question.name);
    WireBuilder b;
    b.header(0, 0x8180, 1, 2, 0, 0).name(question.name).u16(question.type).u16(1);
    b.pointer(12).u16(kTypeA).u16(1).u32(120).u16(4).u8(198).u8(51).u8(100).u8(7);
    b.pointer(12).u16(kTypeA).u16(1).u32(60).u16(4).u8(198).u8(51).u8(100).u8(8);
    done(UpstreamAnswer{b.bytes, false, false});
  }
  std::vector<std::string> asked;
};

struct RecordingSink : AllowlistSink {
  Status allow(const std::string& vm, const std::string& /*qname*/, const std::string& address,
               std::chrono::seconds timeout) override {
    calls.push_back(vm + " " + address + " " + std::to_string(timeout.count()));
    if (replies_sent != nullptr) sent_before.push_back(*replies_sent);
    return ok_status();
  }
  std::vector<std::string> calls;
  std::vector<int> sent_before;
  const int* replies_sent = nullptr;
};

constexpr std::uint32_t kGuest = (192u << 24) | (168u << 16) | (83u << 8) | 10u;
constexpr std::uint32_t kOtherGuest = (192u << 24) | (168u << 16) | (83u << 8) | 11u;
constexpr std::uint32_t kStranger = (10u << 24) | 1u;

class QueryProcessorTest : public ::testing::Test {
 protected:
  QueryProcessorTest() : log(dir.path() / "dns.jsonl") {
    settings.clients = {{"192.168.83.0", 24}};
    settings.guests = {{"openclaw", "192.168.83.10"}};
    settings.allowlist_grace = std::chrono::seconds(5);
    EXPECT_TRUE(log.open());
  }

  void make(DnsPolicy policy = {}, EgressDecisions* decisions = nullptr) {
    auto acl = ClientAcl::make(settings.clients, settings.guests);
    ASSERT_TRUE(acl);
    sink.replies_sent = &replies_sent;
    processor = std::make_unique<QueryProcessor>(settings, std::move(*acl), std::move(policy),
                                                 upstream, log, &sink, decisions);
  }

  std::optional<Message> ask(std::uint32_t client, const std::string& name) {
    std::optional<Message> result;
    auto packet = make_query(42, name, kTypeA);
    processor->handle({client, 5000, false}, packet, [&](Bytes reply) {
      ++replies_sent;
      auto parsed = parse_message(reply);
      if (parsed) result = std::move(*parsed);
    });
    return result;
  }

  std::vector<nlohmann::json> log_lines() {
    std::vector<nlohmann::json> out;
    std::ifstream in(dir.path() / "dns.jsonl");
    std::string line;
    while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  openclawd::testing::TempDir dir;
  ResolverSettings settings;
  QueryLog log;
  ScriptedUpstream upstream;
  RecordingSink sink;
  int replies_sent = 0;
  std::unique_ptr<QueryProcessor> processor;
};

TEST_F(QueryProcessorTest, AnswersAndFeedsTheAllowlistBeforeReplying) {
  make();
  auto reply = ask(kGuest, "api.example.com");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->answers.size(), 2u);
  EXPECT_EQ(sink.calls,
            (std::vector<std::string>{"openclaw 198.51.100.7 125", "openclaw 198.51.100.8 65"}));
  EXPECT_EQ(sink.sent_before, (std::vector<int>{0, 0}));
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["vm"], "openclaw");
  EXPECT_EQ(lines[0]["action"], "answered");
  EXPECT_EQ(lines[0]["answers"], nlohmann::json({"198.51.100.7", "198.51.100.8"}));
  EXPECT_EQ(lines[0]["ttl"], 60);
  EXPECT_EQ(lines[0]["cached"], false);
  // The same question again is (by TTL) in libunbound's cache.
  ASSERT_TRUE(ask(kGuest, "api.example.com"));
  EXPECT_EQ(log_lines().back()["cached"], true);
  EXPECT_EQ(processor->vm_counters("openclaw").answered, 2u);
}

TEST_F(QueryProcessorTest, RepeatsComeFromTheAnswerCacheAndStillFeedTheAllowlist) {
  make();
  ASSERT_TRUE(ask(kGuest, "api.example.com"));
  auto again = ask(kGuest, "API.example.com");
  ASSERT_TRUE(again);
  EXPECT_EQ(upstream.asked, std::vector<std::string>{"api.example.com"});
  EXPECT_EQ(again->id, 42);
  ASSERT_EQ(again->questions.size(), 1u);
  EXPECT_EQ(again->questions[0].name, "API.example.com");  // the client's letter case
  EXPECT_EQ(again->answers.size(), 2u);
  EXPECT_EQ(sink.calls.size(), 4u);  // both answers opened again, before the reply
  EXPECT_EQ(log_lines().back()["cached"], true);
  EXPECT_EQ(processor->counters()["answer_cache"]["hits"], 1);

  settings.answer_cache_entries = 0;
  make();
  ASSERT_TRUE(ask(kGuest, "api.example.com"));
  ASSERT_TRUE(ask(kGuest, "api.example.com"));
  EXPECT_EQ(upstream.asked.size(), 3u);  // no cache: every query goes upstream
}

TEST_F(QueryProcessorTest, UnknownGuestOnTheSubnetIsServedButNotAllowlisted) {
  make();
  ASSERT_TRUE(ask(kOtherGuest, "api.example.com"));
  EXPECT_TRUE(sink.calls.empty());
  EXPECT_TRUE(log_lines()[0]["vm"].is_null());
}

TEST_F(QueryProcessorTest, StrangersAreRefused) {
  make();
  auto reply = ask(kStranger, "api.example.com");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->rcode(), 5);
  EXPECT_TRUE(upstream.asked.empty());
  EXPECT_EQ(log_lines()[0]["action"], "refused");
  EXPECT_EQ(log_lines()[0]["rule"], "client-not-allowed");
}

TEST_F(QueryProcessorTest, BlockedNamesGetTheConfiguredAnswer) {
  PolicyRules rules;
  rules.deny = {"*.blocked.test"};
  make(DnsPolicy({}, {{"openclaw", rules}}));
  auto reply = ask(kGuest, "x.blocked.test");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->rcode(), 3);
  EXPECT_TRUE(upstream.asked.empty());
  EXPECT_TRUE(sink.calls.empty());
  EXPECT_EQ(log_lines()[0]["action"], "blocked");
  EXPECT_EQ(log_lines()[0]["rule"], "deny:*.blocked.test");

  settings.denied_answer = DeniedAnswer::refused;
  make(DnsPolicy({}, {{"openclaw", rules}}));
  EXPECT_EQ(ask(kGuest, "x.blocked.test")->rcode(), 5);
}

TEST_F(QueryProcessorTest, AskedNamesWaitRefusedUntilTheAdminDecides) {
  PolicyRules rules;
  rules.allow = {"*.listed.example"};
  rules.unlisted = Unlisted::ask;
  EgressDecisions decisions(dir.path() / "egress-decisions.json");
  make(DnsPolicy({}, {{"openclaw", rules}}), &decisions);

  auto reply = ask(kGuest, "New.Example.");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->rcode(), 5);  // REFUSED at once, nothing asked upstream
  EXPECT_TRUE(upstream.asked.empty());
  EXPECT_TRUE(sink.calls.empty());
  ASSERT_TRUE(ask(kGuest, "new.example"));
  auto pending = decisions.pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].vm, "openclaw");
  EXPECT_EQ(pending[0].name, "new.example");
  EXPECT_EQ(pending[0].count, 2u);
  auto lines = log_lines();
  EXPECT_EQ(lines[0]["action"], "refused");
  EXPECT_EQ(lines[0]["rule"], "unlisted:ask");
  EXPECT_EQ(lines[0]["decision"], "pending");
  EXPECT_EQ(processor->vm_counters("openclaw").pending, 2u);
  // Listed names are not the admin's business.
  ASSERT_EQ(ask(kGuest, "a.listed.example")->rcode(), 0);
  EXPECT_TRUE(log_lines().back()["decision"].is_null());

  // Allowed: the very next query resolves and opens the allowlist.
  ASSERT_TRUE(decisions.decide("openclaw", "new.example", EgressVerdict::allow, std::nullopt,
                               WallClock::now()));
  EXPECT_TRUE(decisions.pending().empty());
  reply = ask(kGuest, "new.example");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->rcode(), 0);
  EXPECT_EQ(reply->answers.size(), 2u);
  EXPECT_EQ(sink.calls.size(), 4u);  // two for the listed name, two for this one
  EXPECT_EQ(log_lines().back()["action"], "answered");
  EXPECT_EQ(log_lines().back()["decision"], "allowed");

  // Denied: blocked with the configured answer, not pending any more.
  ASSERT_TRUE(decisions.decide("openclaw", "new.example", EgressVerdict::deny, std::nullopt,
                               WallClock::now()));
  reply = ask(kGuest, "new.example");
  EXPECT_EQ(reply->rcode(), 3);
  EXPECT_EQ(log_lines().back()["action"], "blocked");
  EXPECT_EQ(log_lines().back()["decision"], "denied");
  EXPECT_TRUE(decisions.pending().empty());
}

TEST_F(QueryProcessorTest, AnExpiredApprovalAsksAgain) {
  PolicyRules rules;
  rules.unlisted = Unlisted::ask;
  EgressDecisions decisions({});
  make(DnsPolicy({}, {{"openclaw", rules}}), &decisions);
  ASSERT_TRUE(decisions.decide("openclaw", "short.example", EgressVerdict::allow,
                               std::chrono::seconds(60),
                               WallClock::now() - std::chrono::seconds(61)));
  EXPECT_EQ(ask(kGuest, "short.example")->rcode(), 5);
  EXPECT_EQ(decisions.pending().size(), 1u);
}

TEST_F(QueryProcessorTest, RateLimitRefusesTheExcess) {
  settings.rate_limit_qps = 3;
  make();
  int refused = 0;
  for (int i = 0; i < 10; ++i) refused += ask(kGuest, "a.example")->rcode() == 5 ? 1 : 0;
  EXPECT_GE(refused, 6);
  EXPECT_LE(refused, 7);
  EXPECT_EQ(processor->vm_counters("openclaw").rate_limited, static_cast<std::uint64_t>(refused));
}

TEST_F(QueryProcessorTest, MalformedPacketsAreCountedAndDropped) {
  make();
  const std::uint8_t garbage[] = {1, 2, 3};
  bool replied = false;
  EXPECT_FALSE(processor->handle({kGuest, 1, false}, garbage, [&](Bytes) { replied = true; }));
  EXPECT_FALSE(replied);
  EXPECT_EQ(processor->counters()["malformed"], 1);
  EXPECT_TRUE(log_lines().empty());
}

}  // namespace
}  // namespace openclawd::dns
