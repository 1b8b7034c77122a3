#include <gtest/gtest.h>

#include "openclawd/dns/client_acl.hpp"
#include "openclawd/dns/rate_limiter.hpp"

namespace openclawd::dns {
namespace {

TEST(DnsClientAcl, SubnetGuestsAndStrangers) {
  auto acl = ClientAcl::make({{"192.168.83.0", 24}},
                             {{"openclaw", "192.168.83.10"}, {"outside", "10.9.9.9"}});
  ASSERT_TRUE(acl);
  EXPECT_TRUE(acl->allowed(*parse_ipv4("192.168.83.200")));
  EXPECT_TRUE(acl->allowed(*parse_ipv4("10.9.9.9")));  // a configured guest
  EXPECT_FALSE(acl->allowed(*parse_ipv4("192.168.84.1")));
  EXPECT_EQ(acl->vm_of(*parse_ipv4("192.168.83.10")), "openclaw");
  EXPECT_EQ(acl->vm_of(*parse_ipv4("192.168.83.11")), "");
  EXPECT_FALSE(ClientAcl::make({{"192.168.83.0", 33}}, {}));
  auto bad_vm = ClientAcl::make({}, {{"openclaw", "not-an-ip"}});
  ASSERT_FALSE(bad_vm);
  EXPECT_NE(bad_vm.error().message.find("openclaw"), std::string::npos);
}

TEST(DnsRateLimiter, RefillsAtTheConfiguredRate) {
  RateLimiter limiter(10);
  const auto t0 = RateLimiter::Clock::time_point(std::chrono::seconds(100));
  int admitted = 0;
  for (int i = 0; i < 20; ++i) admitted += limiter.admit(1, t0) ? 1 : 0;
  EXPECT_EQ(admitted, 10);            // the burst
  EXPECT_TRUE(limiter.admit(2, t0));  // another client has its own bucket
  EXPECT_FALSE(limiter.admit(1, t0 + std::chrono::milliseconds(50)));
  EXPECT_TRUE(limiter.admit(1, t0 + std::chrono::milliseconds(150)));
  RateLimiter unlimited(0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(unlimited.admit(1, t0));
}

}  // namespace
}  // namespace openclawd::dns
