// End to end: the real daemon, in a network namespace of its own (IPv4
// forwarding off, as every new namespace starts), turns forwarding on for its
// NAT, says so in its log and in `status`, runs the doctor's checks at start,
// and with network.manage_forwarding false only warns, naming the sysctl.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "common/netns.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"

namespace openclawd {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class ForwardingE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: the daemon makes a bridge and rules";
    config_ = {
        {"version", 1},
        {"state_dir", "state"},
        {"log_dir", "log"},
        {"control_socket", "run/control.sock"},
        {"hypervisor", {{"uri", "test:///default"}}},
        {"network", {{"bridge", "ocdfwd0"}, {"address", "192.168.83.1/24"}, {"nat", true}}},
        {"dns", {{"enabled", false}}},
        {"audit", {{"enabled", false}}},
        {"defender", {{"enabled", false}}},
        {"vms", nlohmann::json::array()},
    };
  }
  testing::CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), testing::openclawd_binary());
    args.push_back("--config");
    args.push_back((dir_ / "openclawd.json").string());
    return testing::run_command(args, 30s);
  }
  // Starts the daemon and returns `status --json` once it answers.
  nlohmann::json start_and_status() {
    const auto file = dir_.write("openclawd.json", config_.dump(2));
    daemon_ = std::make_unique<testing::BackgroundProcess>(
        testing::in_private_netns(
            {testing::openclawd_binary(), "daemon", "--config", file.string(), "--log-stderr"}),
        std::map<std::string, std::string>{}, (dir_ / "daemon.log").string());
    for (int i = 0; i < 150; ++i) {
      auto status = cli({"status", "--json"});
      if (status.exit_code == 0) return nlohmann::json::parse(status.out);
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "the daemon never answered: " << log();
    return {};
  }
  std::string log() { return testing::read_file(dir_ / "daemon.log"); }
  // Log lines arrive from the doctor's thread a moment after start.
  bool wait_for_log(const std::string& needle) {
    for (int i = 0; i < 300; ++i) {
      if (log().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  testing::TempDir dir_;
  nlohmann::json config_;
  std::unique_ptr<testing::BackgroundProcess> daemon_;
};

TEST_F(ForwardingE2E, TheDaemonTurnsForwardingOnAndReportsIt) {
  const auto status = start_and_status();
  const auto forwarding = status["services"]["network"]["forwarding"];
  EXPECT_EQ(forwarding["on"], true) << forwarding.dump();
  EXPECT_EQ(forwarding["managed"], true);
  // No uplink named: the global setting, found off in the new namespace.
  EXPECT_EQ(forwarding["changed"][0], "net.ipv4.ip_forward") << forwarding.dump();
  EXPECT_EQ(forwarding["settings"][0]["found"], "0");
  EXPECT_THAT(log(), HasSubstr("set net.ipv4.ip_forward=1 (was 0)"));
  EXPECT_TRUE(wait_for_log("doctor: ")) << log();
  EXPECT_TRUE(wait_for_log("problem(s) found")) << log();
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait(30s), 0) << log();
  EXPECT_THAT(log(), HasSubstr("left net.ipv4.ip_forward=1"));
}

TEST_F(ForwardingE2E, UnmanagedForwardingIsAWarningNamingTheSysctl) {
  config_["network"]["manage_forwarding"] = false;
  const auto status = start_and_status();
  const auto forwarding = status["services"]["network"]["forwarding"];
  EXPECT_EQ(forwarding["on"], false) << forwarding.dump();
  EXPECT_TRUE(forwarding["changed"].empty()) << forwarding.dump();
  EXPECT_THAT(log(), HasSubstr("network.manage_forwarding is false"));
  EXPECT_THAT(log(), HasSubstr("set net.ipv4.ip_forward=1"));
  EXPECT_TRUE(wait_for_log("doctor: forwarding: off")) << log();
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait(30s), 0) << log();
}

}  // namespace
}  // namespace openclawd
