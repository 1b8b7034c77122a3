// The DNS-to-network glue with a recording allowlist (the real one, the nft
// set, is exercised by tests/integration/net and tests/e2e/daemon).
#include "openclawd/daemon/resolved_destinations.hpp"

#include <gtest/gtest.h>

namespace openclawd::daemon {
namespace {

using namespace std::chrono_literals;

struct RecordingAllowlist : net::DestinationAllowlist {
  Status allow_destination(std::string_view vm, net::Ipv4Address address,
                           std::chrono::seconds ttl) override {
    calls.push_back(std::string(vm) + " " + address.to_string() + " " +
                    std::to_string(ttl.count()));
    return failing ? make_error("nft says no") : ok_status();
  }
  std::vector<std::string> calls;
  bool failing = false;
};

class ResolvedDestinationsTest : public ::testing::Test {
 protected:
  std::chrono::steady_clock::time_point now{};
  ResolvedDestinations::Clock clock = [this] { return now; };
  net::Ipv4Address address(const char* text) { return *net::Ipv4Address::parse(text); }
};

TEST_F(ResolvedDestinationsTest, RemembersTheNameUntilTheTtlRunsOut) {
  ResolvedDestinations destinations(16, clock);
  ASSERT_TRUE(destinations.allow("openclaw", "api.example", "192.0.2.10", 60s));
  EXPECT_EQ(destinations.name_for("openclaw", address("192.0.2.10")), "api.example");
  EXPECT_EQ(destinations.name_for("gogcli", address("192.0.2.10")), std::nullopt);
  EXPECT_EQ(destinations.name_for("openclaw", address("192.0.2.11")), std::nullopt);
  now += 61s;
  EXPECT_EQ(destinations.name_for("openclaw", address("192.0.2.10")), std::nullopt);
}

TEST_F(ResolvedDestinationsTest, TheLatestNameForAnAddressWins) {
  ResolvedDestinations destinations(16, clock);
  ASSERT_TRUE(destinations.allow("openclaw", "a.example", "192.0.2.10", 60s));
  ASSERT_TRUE(destinations.allow("openclaw", "b.example", "192.0.2.10", 60s));
  EXPECT_EQ(destinations.name_for("openclaw", address("192.0.2.10")), "b.example");
  EXPECT_EQ(destinations.size(), 1u);
}

TEST_F(ResolvedDestinationsTest, OnlyOpensAddressesInAllowlistMode) {
  RecordingAllowlist allowlist;
  ResolvedDestinations destinations(16, clock);
  ASSERT_TRUE(destinations.allow("openclaw", "a.example", "192.0.2.10", 60s));
  EXPECT_TRUE(allowlist.calls.empty());
  destinations.set_allowlist(&allowlist);
  ASSERT_TRUE(destinations.allow("openclaw", "a.example", "192.0.2.10", 90s));
  ASSERT_TRUE(destinations.allow("openclaw", "a.example", "2001:db8::10", 90s));
  EXPECT_EQ(allowlist.calls, std::vector<std::string>{"openclaw 192.0.2.10 90"});
}

TEST_F(ResolvedDestinationsTest, AnAllowlistFailureIsReported) {
  RecordingAllowlist allowlist;
  allowlist.failing = true;
  ResolvedDestinations destinations(16, clock);
  destinations.set_allowlist(&allowlist);
  auto result = destinations.allow("openclaw", "a.example", "192.0.2.10", 60s);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "nft says no");
}

TEST_F(ResolvedDestinationsTest, StaysWithinItsCapacityDroppingExpiredThenSoonest) {
  ResolvedDestinations destinations(3, clock);
  ASSERT_TRUE(destinations.allow("vm", "short.example", "192.0.2.1", 10s));
  ASSERT_TRUE(destinations.allow("vm", "long.example", "192.0.2.2", 100s));
  ASSERT_TRUE(destinations.allow("vm", "mid.example", "192.0.2.3", 50s));
  ASSERT_TRUE(destinations.allow("vm", "new.example", "192.0.2.4", 50s));
  EXPECT_EQ(destinations.size(), 3u);
  EXPECT_EQ(destinations.name_for("vm", address("192.0.2.1")), std::nullopt);  // soonest went
  EXPECT_EQ(destinations.name_for("vm", address("192.0.2.2")), "long.example");
  now += 60s;  // mid and new expire
  ASSERT_TRUE(destinations.allow("vm", "later.example", "192.0.2.5", 10s));
  EXPECT_EQ(destinations.size(), 2u);
  EXPECT_EQ(destinations.name_for("vm", address("192.0.2.5")), "later.example");
}

TEST_F(ResolvedDestinationsTest, TextThatIsNoAddressIsIgnored) {
  ResolvedDestinations destinations(16, clock);
  EXPECT_TRUE(destinations.allow("vm", "x.example", "not-an-address", 10s));
  EXPECT_EQ(destinations.size(), 0u);
}

}  // namespace
}  // namespace openclawd::daemon
