// LinkManager against the real kernel in a namespace this test creates.
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/temp_dir.hpp"
#include "netns.hpp"
#include "openclawd/net/host_network.hpp"
#include "openclawd/net/link_manager.hpp"
#include "openclawd/net/ruleset.hpp"

namespace openclawd::net {
namespace {

using testing::EnterNetns;
using testing::in_ns;
using testing::must;

class LinkManagerIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces and taps";
    ns_ = namespaces_.add("ocd-net-link-" + std::to_string(::getpid()));
  }
  std::string show(const std::string& link) {
    return testing::sh(in_ns(ns_, "ip -d addr show dev " + link)).out;
  }
  testing::Namespaces namespaces_;
  std::string ns_;
  std::unique_ptr<LinkManager> links_ = make_rtnetlink_link_manager();
  const Ipv4Interface address_ = *Ipv4Interface::parse("192.168.83.1/24");
};

TEST_F(LinkManagerIntegration, CreatesBridgeAndOwnedPersistentTapIdempotently) {
  EnterNetns inside(ns_);
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(links_->ensure_bridge("microbr", address_)) << "round " << round;
    auto tap = links_->ensure_tap("microvm-oc", "nobody", "microbr");
    ASSERT_TRUE(tap.ok()) << tap.error().message;
  }
  const std::string bridge = show("microbr");
  EXPECT_NE(bridge.find("bridge"), std::string::npos) << bridge;
  EXPECT_NE(bridge.find("inet 192.168.83.1/24"), std::string::npos) << bridge;
  EXPECT_NE(bridge.find(",UP"), std::string::npos) << bridge;
  const std::string tap = show("microvm-oc");
  EXPECT_NE(tap.find("master microbr"), std::string::npos) << tap;
  EXPECT_NE(tap.find("tun type tap"), std::string::npos) << tap;
  EXPECT_NE(tap.find("persist on"), std::string::npos) << tap;
  EXPECT_NE(tap.find("user nobody"), std::string::npos) << tap;
  EXPECT_NE(tap.find(",UP"), std::string::npos) << tap;

  ASSERT_TRUE(links_->remove("microvm-oc"));
  ASSERT_TRUE(links_->remove("microvm-oc")) << "removing twice is fine";
  EXPECT_NE(testing::sh(in_ns(ns_, "ip link show microvm-oc")).exit_code, 0);
}

TEST_F(LinkManagerIntegration, ReportsWrongExistingLinksWithoutTouchingThem) {
  must(in_ns(ns_, "ip link add notabridge type veth peer name notabridge1"));
  must(in_ns(ns_, "ip link add microbr type bridge"));
  must(in_ns(ns_, "ip addr add 192.168.83.77/24 dev microbr"));
  must(in_ns(ns_, "ip tuntap add dev othertap mode tap user root"));
  must(in_ns(ns_, "ip link add okbr type bridge"));
  EnterNetns inside(ns_);

  auto wrong_kind = links_->ensure_bridge("notabridge", address_);
  ASSERT_FALSE(wrong_kind.ok());
  EXPECT_NE(wrong_kind.error().message.find("notabridge"), std::string::npos);
  EXPECT_NE(wrong_kind.error().message.find("veth"), std::string::npos);

  auto wrong_address = links_->ensure_bridge("microbr", address_);
  ASSERT_FALSE(wrong_address.ok());
  EXPECT_NE(wrong_address.error().message.find("192.168.83.77/24"), std::string::npos)
      << wrong_address.error().message;
  EXPECT_EQ(show("microbr").find("192.168.83.1/"), std::string::npos) << "must not be changed";

  auto wrong_owner = links_->ensure_tap("othertap", "nobody", "okbr");
  ASSERT_FALSE(wrong_owner.ok());
  EXPECT_NE(wrong_owner.error().message.find("owned by uid 0"), std::string::npos)
      << wrong_owner.error().message;
  EXPECT_EQ(show("othertap").find("master"), std::string::npos) << "must not be attached";

  auto not_a_tap = links_->ensure_tap("notabridge", "root", "okbr");
  ASSERT_FALSE(not_a_tap.ok());
  EXPECT_NE(not_a_tap.error().message.find("not a tap"), std::string::npos);

  auto no_user = links_->ensure_tap("newtap", "no-such-user-ocd", "okbr");
  ASSERT_FALSE(no_user.ok());
  EXPECT_NE(no_user.error().message.find("no-such-user-ocd"), std::string::npos);

  auto no_bridge = links_->ensure_tap("newtap", "root", "missingbr");
  ASSERT_FALSE(no_bridge.ok());
  EXPECT_NE(no_bridge.error().message.find("missingbr"), std::string::npos);
}

TEST_F(LinkManagerIntegration, HostNetworkBuildsBridgeRulesLogAndTaps) {
  NetworkSettings settings;
  settings.bridge = "microbr";
  settings.address = address_;
  settings.guests = {{"openclaw", "microvm-oc", *MacAddress::parse("02:00:00:00:00:01"),
                      *Ipv4Address::parse("192.168.83.2")}};
  openclawd::testing::TempDir dir;
  boost::asio::io_context io;
  auto firewall = make_netlink_firewall(std::chrono::seconds(30));
  auto sysctls = make_proc_sysctls();
  EnterNetns inside(ns_);
  HostNetwork network(io, settings, "nobody", EgressLogSettings{0, dir.path() / "egress.jsonl"},
                      *links_, *firewall, *sysctls, nullptr);
  auto started = network.start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_NE(show("microbr").find("inet 192.168.83.1/24"), std::string::npos);
  EXPECT_NE(testing::sh(in_ns(ns_, "nft list table inet openclawd")).out.find("microbr"),
            std::string::npos);
  EXPECT_TRUE(network.status().contains("egress_log")) << network.status().dump();
  ASSERT_TRUE(network.attach_guest("openclaw"));
  EXPECT_NE(show("microvm-oc").find("master microbr"), std::string::npos);
  EXPECT_FALSE(network.attach_guest("ghost").ok());
  ASSERT_TRUE(network.detach_guest("openclaw"));
  EXPECT_NE(testing::sh(in_ns(ns_, "ip link show microvm-oc")).exit_code, 0);
  network.stop();
}

}  // namespace
}  // namespace openclawd::net
