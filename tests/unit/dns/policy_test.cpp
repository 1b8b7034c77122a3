#include "openclawd/dns/policy.hpp"

#include <gtest/gtest.h>

namespace openclawd::dns {
namespace {

TEST(DnsPolicy, ExactAndSuffixWildcards) {
  EXPECT_TRUE(name_matches("example.com", "example.com"));
  EXPECT_FALSE(name_matches("example.com", "www.example.com"));
  EXPECT_TRUE(name_matches("*.example.com", "www.example.com"));
  EXPECT_TRUE(name_matches("*.example.com", "a.b.example.com"));
  EXPECT_FALSE(name_matches("*.example.com", "example.com"));
  EXPECT_FALSE(name_matches("*.example.com", "badexample.com"));
  EXPECT_TRUE(name_matches("*", "anything.at.all"));
}

TEST(DnsPolicy, PerVmRulesDenyWinsAndAllowListCloses) {
  auto policy = DnsPolicy::parse(R"({
    "default": {"deny": ["*.onion", "tracker.example"]},
    "vms": {"openclaw": {"allow": ["api.anthropic.com", "*.github.com"], "deny": ["evil.github.com"]}}
  })",
                                 "dns.json");
  ASSERT_TRUE(policy) << policy.error().message;
  auto d = policy->decide("openclaw", "API.Anthropic.com.");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.rule, "allow:api.anthropic.com");
  d = policy->decide("openclaw", "evil.github.com");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.rule, "deny:evil.github.com");
  d = policy->decide("openclaw", "example.org");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.rule, "not-in-allow-list");
  // gogcli has no section: the default applies.
  d = policy->decide("gogcli", "x.y.onion");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.rule, "deny:*.onion");
  d = policy->decide("gogcli", "example.org");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.rule, "");
}

TEST(DnsPolicy, UnlistedNamesCanBeLeftToTheAdmin) {
  auto policy = DnsPolicy::parse(R"({
    "default": {"deny": ["*.onion"], "unlisted": "deny"},
    "vms": {"openclaw": {"allow": ["*.github.com"], "deny": ["gist.github.com"], "unlisted": "ask"},
            "gogcli": {"allow": ["*.googleapis.com"], "unlisted": "allow"}}
  })",
                                 "dns.json");
  ASSERT_TRUE(policy) << policy.error().message;
  auto d = policy->decide("openclaw", "new.example");
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.ask);
  EXPECT_EQ(d.rule, "unlisted:ask");
  // The lists still decide what they match: ask is only for the rest.
  d = policy->decide("openclaw", "api.github.com");
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.ask);
  d = policy->decide("openclaw", "gist.github.com");
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.ask);
  d = policy->decide("gogcli", "anything.example");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.rule, "unlisted:allow");
  d = policy->decide("stranger", "anything.example");
  EXPECT_FALSE(d.allowed);
  EXPECT_FALSE(d.ask);
  EXPECT_EQ(d.rule, "unlisted:deny");

  auto bad = DnsPolicy::parse(R"({"vms": {"a": {"unlisted": "maybe"}}})", "p.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("p.json: /vms/a/unlisted: must be \"allow\", \"deny\" or "
                                     "\"ask\""),
            std::string::npos)
      << bad.error().message;
  EXPECT_FALSE(DnsPolicy::parse(R"({"vms": {"a": {"unlisted": true}}})", "p.json"));
}

TEST(DnsPolicy, ErrorsNameTheFileAndPointer) {
  auto bad_key = DnsPolicy::parse(R"({"vms": {"a": {"alow": []}}})", "p.json");
  ASSERT_FALSE(bad_key);
  EXPECT_NE(bad_key.error().message.find("p.json: /vms/a/alow"), std::string::npos)
      << bad_key.error().message;
  auto bad_pattern = DnsPolicy::parse(R"({"default": {"deny": ["a.*.com"]}})", "p.json");
  ASSERT_FALSE(bad_pattern);
  EXPECT_NE(bad_pattern.error().message.find("/default/deny/0"), std::string::npos);
  EXPECT_FALSE(DnsPolicy::parse("{not json", "p.json"));
  EXPECT_FALSE(DnsPolicy::parse(R"({"default": {"allow": "x"}})", "p.json"));
  EXPECT_FALSE(DnsPolicy::load("/nonexistent/dns.json"));
}

TEST(DnsPolicy, ShippedPolicyFileLoads) {
  auto policy = DnsPolicy::load(std::string(OPENCLAWD_TEST_SOURCE_DIR) + "/policies/dns.json");
  ASSERT_TRUE(policy) << policy.error().message;
}

}  // namespace
}  // namespace openclawd::dns
