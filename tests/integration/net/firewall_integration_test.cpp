// The firewall against the real kernel, in namespaces this test creates:
//   host   : bridge "microbr" 192.168.83.1/25 and "uplink0" 192.168.83.129/30;
//            the taps are veth ends named like the VMs' taps and enslaved to the
//            bridge (a tap carries no traffic without a hypervisor behind it)
//   oc, gog: the guests openclaw (.2) and gogcli (.3), MACs as configured
//   up     : the "internet" at 192.168.83.130, reached through NAT
// Real TCP/UDP probes prove each allowed and each dropped flow.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/temp_dir.hpp"
#include "netns.hpp"
#include "openclawd/net/egress_log.hpp"
#include "openclawd/net/firewall.hpp"
#include "openclawd/net/ruleset.hpp"
#include "probes.hpp"

namespace openclawd::net {
namespace {

using testing::EnterNetns;
using testing::in_ns;
using testing::must;
using testing::sh;
using testing::wire_guest;
using testing::wire_uplink;

class FirewallIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    const std::string id = std::to_string(::getpid());
    host_ = namespaces_.add("ocd-net-fw-host-" + id);
    oc_ = namespaces_.add("ocd-net-fw-oc-" + id);
    gog_ = namespaces_.add("ocd-net-fw-gog-" + id);
    up_ = namespaces_.add("ocd-net-fw-up-" + id);
    must(in_ns(host_, "ip link add microbr type bridge"));
    must(in_ns(host_, "ip addr add 192.168.83.1/25 dev microbr"));
    must(in_ns(host_, "ip link set microbr up"));
    wire_guest(host_, oc_, "microvm-oc", "02:00:00:00:00:01", "192.168.83.2");
    wire_guest(host_, gog_, "microvm-gog", "02:00:00:00:00:02", "192.168.83.3");
    wire_uplink(host_, up_);
    // The uplink knows no route back to the guests: only NAT makes replies work.
    must(in_ns(host_, "sysctl -qw net.ipv4.ip_forward=1"));

    settings_.bridge = "microbr";
    settings_.address = *Ipv4Interface::parse("192.168.83.1/25");
    settings_.uplink = "uplink0";
    settings_.flows = {{"openclaw", "gogcli", "tcp", 22}};
    settings_.guests = {{"gogcli", "microvm-gog", *MacAddress::parse("02:00:00:00:00:02"),
                         *Ipv4Address::parse("192.168.83.3")},
                        {"openclaw", "microvm-oc", *MacAddress::parse("02:00:00:00:00:01"),
                         *Ipv4Address::parse("192.168.83.2")}};
    settings_.dns_ports = {53};
    settings_.host_ports = {{"defender", 8787, {"openclaw"}}};
  }

  Status apply_in_host(Firewall& firewall, const Ruleset& ruleset) {
    EnterNetns inside(host_);
    return firewall.apply(ruleset);
  }

  std::string nft_list(const std::string& what) { return sh(in_ns(host_, "nft list " + what)).out; }

  testing::Namespaces namespaces_;
  std::string host_, oc_, gog_, up_;
  NetworkSettings settings_;
};

TEST_F(FirewallIntegration, OnlyTheAllowedFlowsExistAndRulesOutliveTheCommitter) {
  auto ruleset = compile_ruleset(settings_);
  ASSERT_TRUE(ruleset.ok()) << ruleset.error().message;

  // Another program's table, which every apply must leave alone.
  must(in_ns(host_, "nft add table inet other"));
  must(in_ns(host_, "nft add chain inet other keep '{ type filter hook input priority 10; }'"));
  must(in_ns(host_, "nft add rule inet other keep tcp dport 9999 counter"));

  // Without the firewall these flows exist: the drops below are its doing.
  {
    auto oc22 = testing::listener(oc_, SOCK_STREAM, "0.0.0.0", 22);
    auto other = testing::listener(host_, SOCK_STREAM, "192.168.83.1", 2222);
    ASSERT_TRUE(testing::tcp_probe(gog_, "192.168.83.2", 22, oc22)) << "baseline";
    ASSERT_TRUE(testing::tcp_probe(oc_, "192.168.83.1", 2222, other)) << "baseline";
  }

  // Commit from a child process that then exits: the rules must stay (no owner
  // flag), which is what keeps guests fenced in when the daemon dies.
  const pid_t child = ::fork();
  if (child == 0) {
    auto firewall = make_netlink_firewall(std::chrono::seconds(30));
    ::_exit(apply_in_host(*firewall, *ruleset) ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // What the kernel really holds.
  const std::string bridge_table = nft_list("table bridge openclawd");
  EXPECT_NE(bridge_table.find("iifname \"microvm-oc\" oifname \"microvm-gog\""), std::string::npos)
      << bridge_table;
  EXPECT_NE(bridge_table.find("tcp dport 22 accept"), std::string::npos) << bridge_table;
  EXPECT_NE(bridge_table.find("ether saddr != 02:00:00:00:00:01"), std::string::npos);
  const std::string inet_table = nft_list("table inet openclawd");
  EXPECT_NE(inet_table.find("log prefix \"ocd accept openclaw \" group 83 accept"),
            std::string::npos)
      << inet_table;
  EXPECT_NE(inet_table.find("masquerade"), std::string::npos);
  EXPECT_NE(nft_list("table inet other").find("tcp dport 9999 counter"), std::string::npos);

  // Guest to guest over the bridge.
  auto gog22 = testing::listener(gog_, SOCK_STREAM, "0.0.0.0", 22);
  auto gog80 = testing::listener(gog_, SOCK_STREAM, "0.0.0.0", 80);
  auto oc22 = testing::listener(oc_, SOCK_STREAM, "0.0.0.0", 22);
  EXPECT_TRUE(testing::tcp_probe(oc_, "192.168.83.3", 22, gog22)) << "openclaw -> gogcli:22";
  EXPECT_FALSE(testing::tcp_probe(gog_, "192.168.83.2", 22, oc22)) << "gogcli -> openclaw:22";
  EXPECT_FALSE(testing::tcp_probe(oc_, "192.168.83.3", 80, gog80)) << "openclaw -> gogcli:80";

  // Guests to the host: DNS for both, defender only for openclaw, nothing else.
  auto dns_udp = testing::listener(host_, SOCK_DGRAM, "192.168.83.1", 53);
  auto dns_tcp = testing::listener(host_, SOCK_STREAM, "192.168.83.1", 53);
  auto defender = testing::listener(host_, SOCK_STREAM, "192.168.83.1", 8787);
  auto other = testing::listener(host_, SOCK_STREAM, "192.168.83.1", 2222);
  auto other_udp = testing::listener(host_, SOCK_DGRAM, "192.168.83.1", 123);
  EXPECT_TRUE(testing::udp_probe(oc_, "192.168.83.1", 53, dns_udp)) << "openclaw -> dns/udp";
  EXPECT_TRUE(testing::udp_probe(gog_, "192.168.83.1", 53, dns_udp)) << "gogcli -> dns/udp";
  EXPECT_TRUE(testing::tcp_probe(gog_, "192.168.83.1", 53, dns_tcp)) << "gogcli -> dns/tcp";
  EXPECT_TRUE(testing::tcp_probe(oc_, "192.168.83.1", 8787, defender)) << "openclaw -> defender";
  EXPECT_FALSE(testing::tcp_probe(gog_, "192.168.83.1", 8787, defender)) << "gogcli -> defender";
  EXPECT_FALSE(testing::tcp_probe(oc_, "192.168.83.1", 2222, other)) << "openclaw -> host:2222";
  EXPECT_FALSE(testing::udp_probe(oc_, "192.168.83.1", 123, other_udp)) << "openclaw -> host:123";

  // Out to the "internet": NAT'ed, the uplink sees the host's uplink address.
  auto web = testing::listener(up_, SOCK_STREAM, "0.0.0.0", 80);
  auto seen = testing::tcp_probe(oc_, "192.168.83.130", 80, web);
  ASSERT_TRUE(seen) << "openclaw -> internet:80";
  EXPECT_EQ(*seen, "192.168.83.129");
  // Nothing from the uplink side opens a connection into a guest.
  auto oc80 = testing::listener(oc_, SOCK_STREAM, "0.0.0.0", 80);
  must(in_ns(up_, "ip route add 192.168.83.0/25 via 192.168.83.129"));
  EXPECT_FALSE(testing::tcp_probe(up_, "192.168.83.2", 80, oc80)) << "internet -> openclaw";

  // Spoofing: openclaw sending from an address that is not its own.
  must(in_ns(oc_, "ip addr add 192.168.83.9/25 dev eth0"));
  EXPECT_FALSE(testing::tcp_probe(oc_, "192.168.83.3", 22, gog22, "192.168.83.9"))
      << "spoofed openclaw -> gogcli:22";
  EXPECT_FALSE(testing::tcp_probe(oc_, "192.168.83.1", 53, dns_tcp, "192.168.83.9"))
      << "spoofed openclaw -> dns";
  EXPECT_FALSE(testing::tcp_probe(oc_, "192.168.83.130", 80, web, "192.168.83.9"))
      << "spoofed openclaw -> internet";
  // ... and from a MAC that is not its own.
  must(in_ns(oc_, "ip link set eth0 address 02:00:00:00:00:66"));
  must(in_ns(oc_, "ip neigh flush all"));
  EXPECT_FALSE(testing::tcp_probe(oc_, "192.168.83.3", 22, gog22)) << "openclaw with a foreign MAC";
  must(in_ns(oc_, "ip link set eth0 address 02:00:00:00:00:01"));

  // Re-applying the same ruleset changes nothing and keeps the other table.
  auto firewall = make_netlink_firewall(std::chrono::seconds(30));
  ASSERT_TRUE(apply_in_host(*firewall, *ruleset));
  EXPECT_EQ(nft_list("table bridge openclawd"), bridge_table);
  EXPECT_EQ(nft_list("table inet openclawd"), inet_table);
  EXPECT_NE(nft_list("table inet other").find("tcp dport 9999 counter"), std::string::npos);
  EXPECT_TRUE(testing::tcp_probe(oc_, "192.168.83.3", 22, gog22)) << "after re-apply";
  EXPECT_FALSE(testing::tcp_probe(gog_, "192.168.83.2", 22, oc22)) << "after re-apply";
}

TEST_F(FirewallIntegration, FailedCommitKeepsThePreviousRulesetAndSaysWhy) {
  auto ruleset = compile_ruleset(settings_);
  ASSERT_TRUE(ruleset.ok());
  auto firewall = make_netlink_firewall(std::chrono::seconds(30));
  ASSERT_TRUE(apply_in_host(*firewall, *ruleset));
  const std::string before = nft_list("ruleset");

  // A rule looking up a set that does not exist: the kernel refuses the batch.
  Ruleset broken = *ruleset;
  Rule bad;
  bad.matches.push_back(Match{"ip daddr @missing",
                              Load{Load::Source::payload, 0, 1, 16, 4},
                              {},
                              Match::Op::lookup,
                              {},
                              "missing"});
  bad.verdict = Verdict::accept;
  broken.tables[1].chains[1].rules.push_back(bad);
  auto status = apply_in_host(*firewall, broken);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("add rule inet openclawd forward"), std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find("No such file or directory"), std::string::npos)
      << status.error().message;
  EXPECT_EQ(nft_list("ruleset"), before);
}

TEST_F(FirewallIntegration, AllowlistModeOpensOnlyAllowedDestinations) {
  settings_.egress_mode = EgressMode::allowlist;
  auto ruleset = compile_ruleset(settings_);
  ASSERT_TRUE(ruleset.ok());
  auto firewall = make_netlink_firewall(std::chrono::seconds(30));
  ASSERT_TRUE(apply_in_host(*firewall, *ruleset));
  auto web = testing::listener(up_, SOCK_STREAM, "0.0.0.0", 80);
  EXPECT_FALSE(testing::tcp_probe(oc_, "192.168.83.130", 80, web)) << "before the DNS allowed it";
  {
    EnterNetns inside(host_);
    ASSERT_TRUE(firewall->allow_destination("openclaw", *Ipv4Address::parse("192.168.83.130"),
                                            std::chrono::seconds(60)));
    auto unknown = firewall->allow_destination("ghost", *Ipv4Address::parse("192.168.83.130"),
                                               std::chrono::seconds(60));
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("ghost"), std::string::npos);
  }
  EXPECT_NE(nft_list("set inet openclawd allow_openclaw").find("192.168.83.130 timeout"),
            std::string::npos);
  EXPECT_TRUE(testing::tcp_probe(oc_, "192.168.83.130", 80, web)) << "after allow_destination";
  EXPECT_FALSE(testing::tcp_probe(gog_, "192.168.83.130", 80, web)) << "other VM's allowlist";
  // A re-apply recreates the sets and carries the allowed address over.
  ASSERT_TRUE(apply_in_host(*firewall, *ruleset));
  EXPECT_TRUE(testing::tcp_probe(oc_, "192.168.83.130", 80, web)) << "after re-apply";
}

TEST_F(FirewallIntegration, KernelHoldsTheSameRulesAsNftLoadingTheRenderedText) {
  auto ruleset = compile_ruleset(settings_);
  ASSERT_TRUE(ruleset.ok());
  auto firewall = make_netlink_firewall(std::chrono::seconds(30));
  ASSERT_TRUE(apply_in_host(*firewall, *ruleset));
  // The golden-tested text, loaded by nft itself into an empty namespace.
  const std::string other = namespaces_.add("ocd-net-fw-text-" + std::to_string(::getpid()));
  auto loaded = openclawd::testing::run_command({"ip", "netns", "exec", other, "nft", "-f", "-"},
                                                std::chrono::seconds(30), render_text(*ruleset));
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  for (const char* table : {"table bridge openclawd", "table inet openclawd"}) {
    const std::string ours = nft_list(table);
    ASSERT_FALSE(ours.empty());
    EXPECT_EQ(ours, sh(in_ns(other, std::string("nft list ") + table)).out) << table;
  }
}

class KnownNames : public DestinationNames {
 public:
  std::optional<std::string> name_for(std::string_view vm, Ipv4Address address) const override {
    if (vm == "openclaw" && address.to_string() == "192.168.83.130") return "web.example.test";
    return std::nullopt;
  }
};

std::vector<nlohmann::json> read_lines(const std::filesystem::path& file) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST_F(FirewallIntegration, EgressLogNamesTheVmAndRotates) {
  auto ruleset = compile_ruleset(settings_);
  ASSERT_TRUE(ruleset.ok());
  auto firewall = make_netlink_firewall(std::chrono::seconds(30));
  ASSERT_TRUE(apply_in_host(*firewall, *ruleset));

  openclawd::testing::TempDir dir;
  const auto file = dir.path() / "egress.jsonl";
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  KnownNames names;
  Result<std::unique_ptr<EgressLog>> log = make_error("not opened");
  {
    EnterNetns inside(host_);
    log = open_egress_log(io, EgressLogSettings{83, file, 2048, 3}, &names);
  }
  ASSERT_TRUE(log.ok()) << log.error().message;
  std::thread runner([&io] { io.run(); });

  auto web = testing::listener(up_, SOCK_STREAM, "0.0.0.0", 80);
  auto other = testing::listener(host_, SOCK_STREAM, "192.168.83.1", 2222);
  ASSERT_TRUE(testing::tcp_probe(oc_, "192.168.83.130", 80, web));
  EXPECT_FALSE(testing::tcp_probe(gog_, "192.168.83.1", 2222, other));
  auto dns = testing::listener(up_, SOCK_DGRAM, "0.0.0.0", 5353);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(testing::udp_probe(oc_, "192.168.83.130", 5353, dns));

  for (int i = 0; i < 50 && (*log)->counters().accepted < 21; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto counters = (*log)->counters();
  log = make_error("closed");
  work.reset();
  runner.join();

  EXPECT_EQ(counters.accepted, 21u);
  EXPECT_GE(counters.dropped, 1u);
  EXPECT_GE(counters.rotations, 1u);
  EXPECT_EQ(counters.malformed, 0u);
  std::vector<nlohmann::json> lines;
  for (const auto& f :
       {file.string() + ".3", file.string() + ".2", file.string() + ".1", file.string()}) {
    for (auto& l : read_lines(f)) lines.push_back(std::move(l));
  }
  EXPECT_EQ(lines.size(), counters.lines_written);
  bool web_seen = false, drop_seen = false;
  for (const auto& l : lines) {
    if (l["vm"] == "openclaw" && l["proto"] == "tcp" && l["dst"] == "192.168.83.130" &&
        l["dport"] == 80) {
      web_seen = true;
      EXPECT_EQ(l["verdict"], "accept");
      EXPECT_EQ(l["src"], "192.168.83.2");
      EXPECT_EQ(l["dns_name"], "web.example.test");
      EXPECT_TRUE(l.contains("ts") && l.contains("sport"));
    }
    if (l["vm"] == "gogcli" && l["verdict"] == "drop" && l["dport"] == 2222) drop_seen = true;
  }
  EXPECT_TRUE(web_seen) << "no accept line for openclaw -> 192.168.83.130:80";
  EXPECT_TRUE(drop_seen) << "no drop line for gogcli -> host:2222";
}

// A packet logged while the daemon is busy keeps the time it was logged at: the
// line's ts comes from the kernel (NFULA_TIMESTAMP), not from when it was read.
TEST_F(FirewallIntegration, EgressLogLinesCarryThePacketTimeNotTheReadTime) {
  auto ruleset = compile_ruleset(settings_);
  ASSERT_TRUE(ruleset.ok());
  auto firewall = make_netlink_firewall(std::chrono::seconds(30));
  ASSERT_TRUE(apply_in_host(*firewall, *ruleset));
  openclawd::testing::TempDir dir;
  const auto file = dir.path() / "egress.jsonl";
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  Result<std::unique_ptr<EgressLog>> log = make_error("not opened");
  {
    EnterNetns inside(host_);
    log = open_egress_log(io, EgressLogSettings{83, file, 1 << 20, 3}, nullptr);
  }
  ASSERT_TRUE(log.ok()) << log.error().message;
  auto web = testing::listener(up_, SOCK_STREAM, "0.0.0.0", 80);
  const auto sent = std::chrono::system_clock::now();
  ASSERT_TRUE(testing::tcp_probe(oc_, "192.168.83.130", 80, web));
  // Nobody reads the socket for two seconds, as when the daemon's loop is busy.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::thread runner([&io] { io.run(); });
  for (int i = 0; i < 50 && (*log)->counters().accepted < 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  log = make_error("closed");
  work.reset();
  runner.join();
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 1u);
  // "2026-11-29T00:51:02.113Z" -> time point.
  std::tm parts{};
  const std::string ts = lines[0]["ts"];
  ASSERT_NE(strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &parts), nullptr) << ts;
  const auto logged = std::chrono::system_clock::from_time_t(timegm(&parts)) +
                      std::chrono::milliseconds(std::stoi(ts.substr(20, 3)));
  const auto lag = std::chrono::duration_cast<std::chrono::milliseconds>(logged - sent);
  EXPECT_GE(lag.count(), -1000) << ts;
  EXPECT_LT(lag.count(), 1000) << ts << ": stamped when read, not when the packet passed";
}

}  // namespace
}  // namespace openclawd::net
