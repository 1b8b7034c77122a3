// End to end: approving new destinations. The real daemon runs in a network
// namespace this test makes, with Debian's unbound on that namespace's loopback
// as its upstream (local data for `example.` only, nothing leaves). The
// openclaw VM's DNS policy leaves unlisted names to the admin ("ask"):
// an unlisted name is REFUSED and pending; `openclawd egress allow` makes the
// next query resolve and puts the address in the VM's nft set (egress.mode
// allowlist); a daemon restart keeps the decision; `egress deny` blocks it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

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

class EgressApprovalE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespace, nftables)";
    if (testing::run_command({"unbound", "-V"}).exit_code != 0) {
      GTEST_SKIP() << "unbound is not installed";
    }
    ASSERT_TRUE(netns_.created());
    ASSERT_EQ(netns_.run({"ip", "addr", "add", "192.168.83.2/32", "dev", "lo"}).exit_code, 0);
    dir_.write("unbound.conf",
               testing::local_unbound_conf(dir_.path(), {"listed.example. 300 IN A 192.0.2.10",
                                                         "new.example. 300 IN A 192.0.2.20"}));
    unbound_ = std::make_unique<testing::BackgroundProcess>(
        netns_.wrap({"unbound", "-d", "-c", (dir_ / "unbound.conf").string()}),
        std::map<std::string, std::string>{}, (dir_ / "unbound.log").string());
    dir_.write("dns-policy.json",
               R"({"vms": {"openclaw": {"allow": ["listed.example"], "unlisted": "ask"}}})");
    dir_.write("images/vmlinuz", "not a kernel: this VM never boots (autostart off)");
    nlohmann::json config = {
        {"version", 1},
        {"state_dir", "state"},
        {"log_dir", "log"},
        {"control_socket", "run/control.sock"},
        {"hypervisor", {{"uri", "test:///default"}}},
        {"network",
         {{"bridge", "ocdask0"},
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
            {{"tap", "ocd-ask-oc"}, {"mac", "02:00:00:00:00:01"}, {"ip", "192.168.83.2"}}}}}},
    };
    config_path_ = dir_.write("openclawd.json", config.dump(2)).string();
    start_daemon();
  }

  void TearDown() override { stop_daemon(); }

  void start_daemon() {
    daemon_ = std::make_unique<testing::BackgroundProcess>(
        netns_.wrap(
            {testing::openclawd_binary(), "daemon", "--config", config_path_, "--log-stderr"}),
        std::map<std::string, std::string>{}, (dir_ / "daemon.log").string());
    bool up = false;
    for (int i = 0; i < 600 && !up; ++i) {
      up = cli({"status"}).exit_code == 0;
      if (!up) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(up) << read_file(dir_ / "daemon.log");
  }

  void stop_daemon() {
    if (!daemon_) return;
    daemon_->signal(SIGTERM);
    daemon_->wait(20s);
    daemon_.reset();
  }

  testing::CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), testing::openclawd_binary());
    args.push_back("--config");
    args.push_back(config_path_);
    return testing::run_command(args, 30s);
  }
  // dig's full answer: "status: REFUSED" and the answer section.
  testing::CommandResult dig(const std::string& name) {
    return netns_.run({"dig", "@192.168.83.1", "-b", "192.168.83.2", "+time=3", "+tries=1",
                       "+noall", "+comments", "+answer", name, "A"});
  }
  std::string allow_set() {
    return netns_.run({"nft", "list", "set", "inet", "openclawd", "allow_openclaw"}).out;
  }
  nlohmann::json pending() {
    auto listed = cli({"egress", "pending", "--json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return nlohmann::json::parse(listed.out, nullptr, false);
  }

  testing::TempDir dir_;
  testing::NamedNetns netns_{"ocd-e2e-ask-" + std::to_string(::getpid())};
  std::string config_path_;
  std::unique_ptr<testing::BackgroundProcess> unbound_, daemon_;
};

TEST_F(EgressApprovalE2E, AnUnlistedNameWaitsForTheAdminAndTheDecisionSticks) {
  // Asked: refused at once, nothing opened, pending for the admin.
  auto asked = dig("new.example");
  ASSERT_EQ(asked.exit_code, 0) << asked.err << read_file(dir_ / "daemon.log");
  EXPECT_THAT(asked.out, HasSubstr("status: REFUSED"));
  EXPECT_THAT(allow_set(), Not(HasSubstr("192.0.2.20")));
  dig("New.Example.");
  auto waiting = pending();
  ASSERT_EQ(waiting["pending"].size(), 1u) << waiting.dump();
  EXPECT_EQ(waiting["pending"][0]["vm"], "openclaw");
  EXPECT_EQ(waiting["pending"][0]["name"], "new.example");
  EXPECT_EQ(waiting["pending"][0]["count"], 2);
  auto table = cli({"egress", "pending"});
  EXPECT_THAT(table.out, HasSubstr("new.example"));
  // A listed name is answered as before.
  EXPECT_THAT(dig("listed.example").out, HasSubstr("192.0.2.10"));

  // Bad requests name the fix.
  auto unknown_vm = cli({"egress", "allow", "new.example", "--vm", "nope"});
  EXPECT_EQ(unknown_vm.exit_code, 1);
  EXPECT_THAT(unknown_vm.err, HasSubstr("unknown VM 'nope' (configured: openclaw)"));
  auto bad_duration = cli({"egress", "allow", "new.example", "--vm", "openclaw", "--for", "soon"});
  EXPECT_EQ(bad_duration.exit_code, 2);
  EXPECT_THAT(bad_duration.err, HasSubstr("not a duration"));

  // Allowed: the next query resolves and opens the VM's nft set.
  auto allowed = cli({"egress", "allow", "new.example", "--vm", "openclaw"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_THAT(allowed.out, HasSubstr("allowed new.example for openclaw"));
  auto resolved = dig("new.example");
  EXPECT_THAT(resolved.out, HasSubstr("status: NOERROR"));
  EXPECT_THAT(resolved.out, HasSubstr("192.0.2.20"));
  EXPECT_THAT(allow_set(), HasSubstr("192.0.2.20 timeout"));
  EXPECT_TRUE(pending()["pending"].empty());
  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(status.out)["services"]["dns"]["approvals"]["allowed"], 1)
      << status.out;
  EXPECT_THAT(cli({"status"}).out, HasSubstr("new destinations: 0 pending  1 allowed  0 denied"));

  const auto log = read_file(dir_ / "log/dns.jsonl");
  EXPECT_THAT(log, HasSubstr(R"("action":"refused")"));
  EXPECT_THAT(log, HasSubstr(R"("decision":"pending")"));
  EXPECT_THAT(log, HasSubstr(R"("decision":"allowed")"));

  // A restart keeps the decision (state_dir/egress-decisions.json).
  stop_daemon();
  start_daemon();
  EXPECT_THAT(dig("new.example").out, HasSubstr("192.0.2.20"));
  auto decided = pending()["decisions"];
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_EQ(decided[0]["decision"], "allow");
  EXPECT_EQ(decided[0]["expires_at"], nullptr);

  // Denied: blocked from the next query on.
  auto denied = cli({"egress", "deny", "new.example", "--vm", "openclaw"});
  ASSERT_EQ(denied.exit_code, 0) << denied.err;
  auto blocked = dig("new.example");
  EXPECT_THAT(blocked.out, HasSubstr("status: NXDOMAIN"));
  EXPECT_THAT(blocked.out, Not(HasSubstr("192.0.2.20")));
  EXPECT_THAT(read_file(dir_ / "log/dns.jsonl"), HasSubstr(R"("decision":"denied")"));
  EXPECT_TRUE(pending()["pending"].empty());
}

TEST_F(EgressApprovalE2E, ATimedApprovalSaysWhenItEnds) {
  auto allowed = cli({"egress", "allow", "new.example", "--vm", "openclaw", "--for", "1h30m"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_THAT(allowed.out, HasSubstr(" until "));
  auto decided = pending()["decisions"];
  ASSERT_EQ(decided.size(), 1u);
  EXPECT_GT(decided[0]["expires_in_s"].get<int>(), 5300);
  EXPECT_LE(decided[0]["expires_in_s"].get<int>(), 5400);
  EXPECT_THAT(dig("new.example").out, HasSubstr("192.0.2.20"));
}

}  // namespace
}  // namespace openclawd
