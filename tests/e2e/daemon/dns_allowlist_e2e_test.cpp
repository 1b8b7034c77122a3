// End to end: the daemon's DNS resolver opens the egress allowlist. The real
// daemon runs in a network namespace this test makes, with Debian's unbound as
// its upstream on that namespace's loopback (local data only, nothing leaves).
// A "guest" address on the namespace's loopback asks for a name; the answer's
// address must be in that VM's nft set, and the query in the DNS log.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/netns.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "common/unbound_conf.hpp"

namespace openclawd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

using openclawd::testing::read_file;

class DnsAllowlistE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespace, nftables)";
    if (testing::run_command({"unbound", "-V"}).exit_code != 0) {
      GTEST_SKIP() << "unbound is not installed";
    }
    ASSERT_TRUE(netns_.created());
    // The openclaw guest's address, on the namespace's loopback.
    ASSERT_EQ(netns_.run({"ip", "addr", "add", "192.168.83.2/32", "dev", "lo"}).exit_code, 0);
    dir_.write("unbound.conf",
               testing::local_unbound_conf(dir_.path(), {"api.example. 300 IN A 192.0.2.10",
                                                         "denied.example. 300 IN A 192.0.2.66"}));
    unbound_ = std::make_unique<testing::BackgroundProcess>(
        netns_.wrap({"unbound", "-d", "-c", (dir_ / "unbound.conf").string()}),
        std::map<std::string, std::string>{}, (dir_ / "unbound.log").string());
    dir_.write("dns-policy.json",
               R"({"vms": {"openclaw": {"allow": ["*.example"], "deny": ["denied.example"]}}})");
    dir_.write("images/vmlinuz", "not a kernel: this VM never boots (autostart off)");
    nlohmann::json config = {
        {"version", 1},
        {"state_dir", "state"},
        {"log_dir", "log"},
        {"control_socket", "run/control.sock"},
        {"hypervisor", {{"uri", "test:///default"}}},
        {"network",
         {{"bridge", "ocddns0"},
          {"address", "192.168.83.1/24"},
          {"egress", {{"mode", "allowlist"}}}}},
        {"dns",
         {{"listen", {"192.168.83.1:53"}},
          {"forwarders", {"127.0.0.1@5353"}},
          {"policy", "dns-policy.json"}}},
        {"audit", {{"enabled", false}}},
        {"defender", {{"enabled", false}}},
        {"vms",
         {{{"name", "openclaw"},
           {"vcpu", 1},
           {"memory_mib", 128},
           {"kernel", "images/vmlinuz"},
           {"autostart", false},
           {"network",
            {{"tap", "ocd-dns-oc"}, {"mac", "02:00:00:00:00:01"}, {"ip", "192.168.83.2"}}}}}},
    };
    config_path_ = dir_.write("openclawd.json", config.dump(2)).string();
    daemon_ = std::make_unique<testing::BackgroundProcess>(
        netns_.wrap(
            {testing::openclawd_binary(), "daemon", "--config", config_path_, "--log-stderr"}),
        std::map<std::string, std::string>{}, (dir_ / "daemon.log").string());
    bool up = false;
    for (int i = 0; i < 150 && !up; ++i) {
      up = cli({"status"}).exit_code == 0;
      if (!up) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(up) << read_file(dir_ / "daemon.log");
  }

  void TearDown() override {
    if (daemon_) {
      daemon_->signal(SIGTERM);
      daemon_->wait(20s);
    }
  }

  testing::CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), testing::openclawd_binary());
    args.push_back("--config");
    args.push_back(config_path_);
    return testing::run_command(args, 30s);
  }
  testing::CommandResult dig(const std::string& name) {
    return netns_.run(
        {"dig", "@192.168.83.1", "-b", "192.168.83.2", "+time=3", "+tries=1", "+short", name, "A"});
  }
  std::string allow_set() {
    return netns_.run({"nft", "list", "set", "inet", "openclawd", "allow_openclaw"}).out;
  }

  testing::TempDir dir_;
  testing::NamedNetns netns_{"ocd-e2e-dns-" + std::to_string(::getpid())};
  std::string config_path_;
  std::unique_ptr<testing::BackgroundProcess> unbound_, daemon_;
};

TEST_F(DnsAllowlistE2E, AnAllowedAnswerOpensItsAddressBeforeTheGuestConnects) {
  EXPECT_THAT(allow_set(), Not(HasSubstr("192.0.2.10")));
  auto answer = dig("api.example");
  ASSERT_EQ(answer.exit_code, 0) << answer.err << read_file(dir_ / "daemon.log");
  EXPECT_EQ(answer.out, "192.0.2.10\n") << read_file(dir_ / "unbound.log");
  // The set entry exists as soon as the answer is out, with a timeout.
  EXPECT_THAT(allow_set(), HasSubstr("192.0.2.10 timeout"));

  // A denied name is not answered and opens nothing.
  auto denied = dig("denied.example");
  EXPECT_EQ(denied.out, "");
  EXPECT_THAT(allow_set(), Not(HasSubstr("192.0.2.66")));

  const auto log = read_file(dir_ / "log/dns.jsonl");
  EXPECT_THAT(log, HasSubstr(R"("qname":"api.example")"));
  EXPECT_THAT(log, HasSubstr(R"("vm":"openclaw")"));
  EXPECT_THAT(log, HasSubstr(R"("action":"blocked")"));
  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0);
  auto document = nlohmann::json::parse(status.out);
  EXPECT_EQ(document["services"]["network"]["egress_mode"], "allowlist");
  EXPECT_TRUE(document["services"].contains("dns")) << status.out;
}

}  // namespace
}  // namespace openclawd
