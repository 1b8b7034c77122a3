// IPv4 forwarding managed by HostNetwork, against the real kernel, in
// namespaces this test creates (a new namespace starts with forwarding off):
//   host: bridge "microbr" 192.168.83.1/25, the guest's "tap" (a veth end
//         named like it, enslaved to the bridge) and "uplink0" 192.168.83.129/30
//   oc  : the guest openclaw (.2)
//   up  : the "internet" at 192.168.83.130, reached through NAT
// The sysctls are read and written from a thread inside "host": /proc/sys/net
// shows the namespace of the thread that opens it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <fstream>

#include "common/temp_dir.hpp"
#include "netns.hpp"
#include "openclawd/net/firewall.hpp"
#include "openclawd/net/host_network.hpp"
#include "openclawd/net/link_manager.hpp"
#include "openclawd/net/sysctls.hpp"
#include "probes.hpp"

namespace openclawd::net {
namespace {

using testing::EnterNetns;
using testing::in_ns;
using testing::must;
using testing::sh;
using testing::wire_guest;
using testing::wire_uplink;

std::string own_ip_forward() {
  std::ifstream in("/proc/sys/net/ipv4/ip_forward");
  std::string value;
  in >> value;
  return value;
}

class ForwardingIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    const std::string id = std::to_string(::getpid());
    host_ = namespaces_.add("ocd-net-fwd-host-" + id);
    oc_ = namespaces_.add("ocd-net-fwd-oc-" + id);
    up_ = namespaces_.add("ocd-net-fwd-up-" + id);
    must(in_ns(host_, "ip link add microbr type bridge"));
    must(in_ns(host_, "ip addr add 192.168.83.1/25 dev microbr"));
    must(in_ns(host_, "ip link set microbr up"));
    wire_guest(host_, oc_, "microvm-oc", "02:00:00:00:00:01", "192.168.83.2");
    wire_uplink(host_, up_);

    settings_.bridge = "microbr";
    settings_.address = *Ipv4Interface::parse("192.168.83.1/25");
    settings_.uplink = "uplink0";
    settings_.nat = true;
    settings_.guests = {{"openclaw", "microvm-oc", *MacAddress::parse("02:00:00:00:00:01"),
                         *Ipv4Address::parse("192.168.83.2")}};
  }

  std::string sysctl(const std::string& name) {
    auto out = sh(in_ns(host_, "sysctl -n " + name)).out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  bool guest_reaches_uplink() {
    auto web = testing::listener(up_, SOCK_STREAM, "192.168.83.130", 80);
    return testing::tcp_probe(oc_, "192.168.83.130", 80, web).has_value();
  }

  struct Running {
    std::unique_ptr<LinkManager> links = make_rtnetlink_link_manager();
    std::unique_ptr<Firewall> firewall = make_netlink_firewall(std::chrono::seconds(30));
    std::unique_ptr<Sysctls> sysctls = make_proc_sysctls();
    openclawd::testing::TempDir dir;
    boost::asio::io_context io;
    std::unique_ptr<HostNetwork> network;
  };
  std::unique_ptr<Running> start(const NetworkSettings& settings) {
    auto running = std::make_unique<Running>();
    EnterNetns inside(host_);
    running->network = std::make_unique<HostNetwork>(
        running->io, settings, "nobody", EgressLogSettings{0, running->dir.path() / "egress.jsonl"},
        *running->links, *running->firewall, *running->sysctls, nullptr);
    auto started = running->network->start();
    EXPECT_TRUE(started.ok()) << started.error().message;
    return running;
  }
  void stop(Running& running) {
    EnterNetns inside(host_);
    running.network->stop();
  }

  testing::Namespaces namespaces_;
  std::string host_, oc_, up_;
  NetworkSettings settings_;
};

TEST_F(ForwardingIntegration, TurnsOnTheBridgeAndTheUplinkSoNatEgressWorks) {
  const auto own_before = own_ip_forward();
  ASSERT_EQ(sysctl("net.ipv4.conf.microbr.forwarding"), "0") << "a new namespace forwards nothing";
  EXPECT_FALSE(guest_reaches_uplink()) << "without forwarding the guest reaches nothing";

  auto running = start(settings_);
  EXPECT_EQ(sysctl("net.ipv4.conf.microbr.forwarding"), "1");
  EXPECT_EQ(sysctl("net.ipv4.conf.uplink0.forwarding"), "1");
  EXPECT_EQ(sysctl("net.ipv4.ip_forward"), "0") << "per interface is enough with an uplink";
  EXPECT_EQ(own_ip_forward(), own_before) << "the test's own namespace is untouched";
  EXPECT_TRUE(guest_reaches_uplink()) << "NAT egress through uplink0";
  const auto status = running->network->status()["forwarding"];
  EXPECT_EQ(status["on"], true) << status.dump();
  EXPECT_EQ(status["settings"][0]["changed"], true) << status.dump();
  EXPECT_EQ(status["settings"][0]["found"], "0") << status.dump();

  // The guest's tap still exists (a guest outlives a clean stop): kept on.
  stop(*running);
  EXPECT_EQ(sysctl("net.ipv4.conf.microbr.forwarding"), "1");
  EXPECT_TRUE(guest_reaches_uplink());

  // Guest gone: a clean stop puts back what it changed.
  must(in_ns(host_, "ip link del microvm-oc"));
  must(in_ns(host_, "sysctl -qw net.ipv4.conf.microbr.forwarding=0"));
  must(in_ns(host_, "sysctl -qw net.ipv4.conf.uplink0.forwarding=0"));
  auto second = start(settings_);
  EXPECT_EQ(sysctl("net.ipv4.conf.uplink0.forwarding"), "1");
  stop(*second);
  EXPECT_EQ(sysctl("net.ipv4.conf.microbr.forwarding"), "0");
  EXPECT_EQ(sysctl("net.ipv4.conf.uplink0.forwarding"), "0");
}

TEST_F(ForwardingIntegration, WithoutAnUplinkTheGlobalSettingIsTurnedOnAndLeftOn) {
  settings_.uplink.clear();
  auto running = start(settings_);
  EXPECT_EQ(sysctl("net.ipv4.ip_forward"), "1");
  EXPECT_EQ(sysctl("net.ipv4.conf.uplink0.forwarding"), "1") << "the global write sets them all";
  EXPECT_TRUE(guest_reaches_uplink());
  must(in_ns(host_, "ip link del microvm-oc"));
  stop(*running);
  EXPECT_EQ(sysctl("net.ipv4.ip_forward"), "1") << "writing 0 would reset every interface";
}

TEST_F(ForwardingIntegration, UnmanagedForwardingStaysOffAndStatusSaysSo) {
  settings_.manage_forwarding = false;
  auto running = start(settings_);
  EXPECT_EQ(sysctl("net.ipv4.conf.microbr.forwarding"), "0");
  EXPECT_FALSE(guest_reaches_uplink());
  const auto status = running->network->status()["forwarding"];
  EXPECT_EQ(status["on"], false) << status.dump();
  EXPECT_EQ(status["managed"], false) << status.dump();
  stop(*running);
}

}  // namespace
}  // namespace openclawd::net
