// End to end: the real daemon renews a VM's token on `openclawd rotate`, never
// shows values in `status`, and (as root) records its own writes and another
// process's read in the audit log with the VM's name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/netns.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"

namespace openclawd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

class SecretsRotateE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = ::geteuid() == 0;
    vm_ = "e2e" + std::to_string(::getpid());
    dir_.write("images/vmlinuz", "not a kernel: this VM never boots (autostart off)");
    nlohmann::json vm = {
        {"name", vm_},
        {"vcpu", 1},
        {"memory_mib", 128},
        {"kernel", "images/vmlinuz"},
        {"autostart", false},
        {"network",
         {{"tap", "ocdt" + std::to_string(::getpid() % 100000)},
          {"mac", "02:00:00:00:00:09"},
          {"ip", "192.168.83.9"}}},
        {"secrets",
         {{"tokens", {{{"file", "gateway-token"}, {"bytes", 32}}}},
          {"env_file",
           {{"file", "gateway-env"},
            {"from_secrets",
             {{{"variable", "OPENCLAW_GATEWAY_TOKEN"}, {"secret", "gateway-token"}}}}}}}}};
    nlohmann::json config = {
        {"version", 1},
        {"state_dir", "state"},
        {"log_dir", "log"},
        {"control_socket", "run/control.sock"},
        {"hypervisor", {{"uri", "test:///default"}}},  // libvirt without a libvirtd
        {"network", {{"bridge", "ocdtest0"}, {"address", "192.168.83.1/24"}}},
        {"dns", {{"enabled", false}}},
        {"audit", {{"enabled", root_}}},
        {"secrets", {{"admin_dir", "admin"}, {"read_only_view", false}}},
        {"defender", {{"enabled", false}}},
        {"vms", {vm}},
    };
    config_path_ = dir_.write("openclawd.json", config.dump(2)).string();
    if (root_) enabled_before_ = testing::run_command({"auditctl", "-s"}).out.substr(0, 9);
  }
  void TearDown() override {
    stop_daemon();
    if (root_) {
      testing::run_command(
          {"auditctl", "-W", secrets_dir().string(), "-p", "rwa", "-k", "openclawd-" + vm_});
      if (enabled_before_ == "enabled 0") testing::run_command({"auditctl", "-e", "0"});
    }
  }

  testing::CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), testing::openclawd_binary());
    args.push_back("--config");
    args.push_back(config_path_);
    return testing::run_command(args, 30s);
  }
  std::filesystem::path secrets_dir() const { return dir_ / "state" / "secrets" / vm_; }
  std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // SIGTERM: a graceful stop, in which the daemon removes its audit rule.
  void stop_daemon() {
    if (!daemon_) return;
    daemon_->signal(SIGTERM);
    daemon_->wait(20s);
    daemon_.reset();
  }
  bool start_daemon() {
    daemon_ = std::make_unique<testing::BackgroundProcess>(
        // Its own network namespace (bridge, nftables); audit records still
        // reach it: the daemon opens its audit sockets in the initial one.
        testing::in_private_netns(
            {testing::openclawd_binary(), "daemon", "--config", config_path_, "--log-stderr"}),
        // pid 1 may be hidden in a container: name the test's (initial) namespace.
        std::map<std::string, std::string>{
            {"OPENCLAWD_AUDIT_NETNS", "/proc/" + std::to_string(::getpid()) + "/ns/net"}},
        (dir_ / "daemon.log").string(), false);
    for (int i = 0; i < 150; ++i) {
      if (cli({"status"}).exit_code == 0) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  testing::TempDir dir_;
  std::string vm_;
  std::string config_path_;
  bool root_ = false;
  std::string enabled_before_;
  std::unique_ptr<testing::BackgroundProcess> daemon_;
};

TEST_F(SecretsRotateE2E, RotateRenewsTheTokenAndTheEnvFile) {
  ASSERT_TRUE(start_daemon()) << read(dir_ / "daemon.log");
  auto first = cli({"rotate", vm_, "gateway-token"});
  ASSERT_EQ(first.exit_code, 0) << first.err << read(dir_ / "daemon.log");
  const std::string token = read(secrets_dir() / "gateway-token");
  ASSERT_EQ(token.size(), 45u);
  EXPECT_EQ(read(secrets_dir() / "gateway-env"), "OPENCLAW_GATEWAY_TOKEN=" + token);

  ASSERT_EQ(cli({"rotate", vm_}).exit_code, 0);
  const std::string second = read(secrets_dir() / "gateway-token");
  EXPECT_NE(second, token);
  EXPECT_EQ(read(secrets_dir() / "gateway-env"), "OPENCLAW_GATEWAY_TOKEN=" + second);

  auto unknown = cli({"rotate", vm_, "no-such-secret"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err + unknown.out, HasSubstr("gateway-token"));

  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("gateway-env"));
  EXPECT_THAT(status.out, Not(HasSubstr(second.substr(0, 44))));
  EXPECT_THAT(read(dir_ / "daemon.log"), Not(HasSubstr(second.substr(0, 44))));

  if (!root_) return;  // audit needs root
  ASSERT_EQ(
      testing::run_command({"/bin/cat", (secrets_dir() / "gateway-token").string()}).exit_code, 0);
  bool own_write = false, other_read = false;
  for (int i = 0; i < 100 && !(own_write && other_read); ++i) {
    std::this_thread::sleep_for(100ms);
    std::ifstream log(dir_ / "log" / "audit.jsonl");
    std::string line;
    while (std::getline(log, line)) {
      auto event = nlohmann::json::parse(line);
      if (event["vm"] != vm_) continue;
      if (event["own"] == true && event["pid"] == daemon_->pid()) own_write = true;
      if (event["exe"] == "/usr/bin/cat" && event["own"] == false &&
          event["path"] == (secrets_dir() / "gateway-token").string()) {
        other_read = true;
      }
    }
  }
  EXPECT_TRUE(own_write) << read(dir_ / "daemon.log") << read(dir_ / "log" / "audit.jsonl");
  EXPECT_TRUE(other_read);
  EXPECT_THAT(testing::run_command({"auditctl", "-l"}).out, HasSubstr("openclawd-" + vm_));
  stop_daemon();
  EXPECT_THAT(testing::run_command({"auditctl", "-l"}).out, Not(HasSubstr("openclawd-" + vm_)));
}

}  // namespace
}  // namespace openclawd
