// End to end: the real `openclawd` binary as a daemon, driven by the real CLI.
// systemd is stood in for by a notify socket the test owns (NOTIFY_SOCKET),
// which is exactly what systemd gives a Type=notify service.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <nlohmann/json.hpp>

#include "common/netns.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"

namespace openclawd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::string binary() {
  return testing::openclawd_binary();
}

// Receives sd_notify datagrams like systemd does.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~NotifySocket() { ::close(fd_); }
  bool bound() const { return bound_; }
  // Waits for a datagram containing `needle`; everything seen is kept.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (seen_.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      auto n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) seen_.append(buffer, static_cast<std::size_t>(n)).push_back('\n');
    }
    return true;
  }
  std::size_t count(const std::string& needle) const {
    std::size_t n = 0;
    for (auto pos = seen_.find(needle); pos != std::string::npos; pos = seen_.find(needle, pos + 1))
      ++n;
    return n;
  }
  const std::string& seen() const { return seen_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  bool bound_ = false;
  std::string seen_;
};

class DaemonE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("images/vmlinuz", "not really a kernel: this VM never boots (autostart off)");
    config_ = {
        {"version", 1},
        {"state_dir", "state"},
        {"log_dir", "log"},
        {"control_socket", "run/control.sock"},
        // libvirt's built-in test driver: a real libvirt connection without
        // a libvirtd (these VMs never boot; tests/e2e/vm boots real ones).
        {"hypervisor", {{"uri", "test:///default"}}},
        {"network", {{"bridge", "ocdtest0"}, {"address", "192.168.83.1/24"}}},
        {"dns", {{"enabled", false}}},
        {"audit", {{"enabled", false}}},
        {"defender", {{"enabled", false}}},
        {"vms", nlohmann::json::array()},
    };
  }
  // A VM that never boots (autostart off, a kernel file that is not one).
  void add_gogcli_vm() {
    config_["vms"].push_back(
        {{"name", "gogcli"},
         {"vcpu", 1},
         {"memory_mib", 256},
         {"kernel", "images/vmlinuz"},
         {"autostart", false},
         {"network", {{"tap", "ocd-gog"}, {"mac", "02:00:00:00:00:02"}, {"ip", "192.168.83.3"}}}});
  }
  std::string write_config() { return dir_.write("openclawd.json", config_.dump(2)).string(); }

  testing::CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), binary());
    args.push_back("--config");
    args.push_back((dir_ / "openclawd.json").string());
    return testing::run_command(args, 30s);
  }

  std::unique_ptr<testing::BackgroundProcess> start_daemon(NotifySocket& notify,
                                                           const std::string& watchdog_usec = "") {
    std::map<std::string, std::string> env = {{"NOTIFY_SOCKET", notify.path().string()}};
    if (!watchdog_usec.empty()) env["WATCHDOG_USEC"] = watchdog_usec;
    return std::make_unique<testing::BackgroundProcess>(
        // Its own network namespace: the daemon makes a bridge and nftables rules.
        testing::in_private_netns({binary(), "daemon", "--config", write_config(), "--log-stderr"}),
        env, (dir_ / "daemon.log").string(), !watchdog_usec.empty());
  }
  std::string daemon_log() {
    std::ifstream in(dir_ / "daemon.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  testing::TempDir dir_;
  nlohmann::json config_;
};

TEST_F(DaemonE2E, StartsReportsReadyServesTheCliAndStopsOnSigterm) {
  NotifySocket notify(dir_ / "notify.sock");
  ASSERT_TRUE(notify.bound());
  auto daemon = start_daemon(notify);
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << daemon_log();

  auto status = cli({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("running, pid " + std::to_string(daemon->pid()) + ","));
  EXPECT_THAT(status.out, HasSubstr("VMs: none configured"));

  auto json_status = cli({"status", "--json"});
  ASSERT_EQ(json_status.exit_code, 0) << json_status.err;
  auto document = nlohmann::json::parse(json_status.out);
  EXPECT_EQ(document["daemon"]["pid"], daemon->pid());
  EXPECT_EQ(document["daemon"]["state"], "running");
  EXPECT_TRUE(document["vms"].empty());

  auto start = cli({"start"});
  EXPECT_EQ(start.exit_code, 0) << start.err;
  EXPECT_THAT(start.out, HasSubstr("nothing to start"));

  auto unknown = cli({"stop", "gogcli"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("unknown VM gogcli (configured: none)"));

  auto version = cli({"version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("daemon 0."));

  daemon->signal(SIGTERM);
  auto exit_code = daemon->wait(20s);
  ASSERT_TRUE(exit_code.has_value()) << "daemon did not exit after SIGTERM\n" << daemon_log();
  EXPECT_EQ(*exit_code, 0) << daemon_log();
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 1s));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "run/control.sock"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "state"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "log"));

  auto after = cli({"status"});
  EXPECT_EQ(after.exit_code, 4);
  EXPECT_THAT(after.err, HasSubstr("daemon is not running"));
}

TEST_F(DaemonE2E, VmWithAutostartOffIsListedAndSigintStopsTheDaemon) {
  add_gogcli_vm();
  NotifySocket notify(dir_ / "notify.sock");
  auto daemon = start_daemon(notify);
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << daemon_log();
  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  auto document = nlohmann::json::parse(status.out);
  ASSERT_EQ(document["vms"].size(), 1u);
  EXPECT_EQ(document["vms"][0]["name"], "gogcli");
  auto table = cli({"status"});
  EXPECT_THAT(table.out, HasSubstr("NAME    STATE"));
  EXPECT_THAT(table.out, HasSubstr("gogcli"));
  daemon->signal(SIGINT);
  auto exit_code = daemon->wait(20s);
  ASSERT_TRUE(exit_code.has_value()) << daemon_log();
  EXPECT_EQ(*exit_code, 0);
}

TEST_F(DaemonE2E, UnreachableLibvirtIsAClearStartupError) {
  config_["hypervisor"]["uri"] =
      "qemu+unix:///system?socket=" + (dir_ / "no-libvirtd.sock").string();
  add_gogcli_vm();
  NotifySocket notify(dir_ / "notify.sock");
  auto daemon = start_daemon(notify);
  auto exit_code = daemon->wait(20s);
  ASSERT_TRUE(exit_code.has_value()) << daemon_log();
  EXPECT_EQ(*exit_code, 1);
  EXPECT_THAT(daemon_log(), HasSubstr("cannot reach libvirt at qemu+unix:///system"));
  EXPECT_THAT(daemon_log(), HasSubstr("is libvirtd running?"));
  EXPECT_FALSE(notify.wait_for("READY=1", 100ms));
}

TEST_F(DaemonE2E, WatchdogIsPingedFromTheLoop) {
  NotifySocket notify(dir_ / "notify.sock");
  auto daemon = start_daemon(notify, "200000");  // 200 ms: pings every 100 ms
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << daemon_log();
  ASSERT_TRUE(notify.wait_for("WATCHDOG=1", 5s));
  daemon->signal(SIGTERM);
  ASSERT_TRUE(daemon->wait(20s).has_value());
}

TEST_F(DaemonE2E, InvalidConfigExitsWithCode3AndNamesTheKey) {
  config_["network"]["address"] = "192.168.83.1";
  NotifySocket notify(dir_ / "notify.sock");
  auto daemon = start_daemon(notify);
  auto exit_code = daemon->wait(15s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 3);
  EXPECT_THAT(daemon_log(), HasSubstr("/network/address: expected an IPv4 interface address"));
  EXPECT_FALSE(notify.wait_for("READY=1", 100ms));
}

TEST_F(DaemonE2E, SecondDaemonOnTheSameSocketExitsWithCode4) {
  NotifySocket notify(dir_ / "notify.sock");
  auto first = start_daemon(notify);
  ASSERT_TRUE(notify.wait_for("READY=1", 15s)) << daemon_log();
  NotifySocket notify2(dir_ / "notify2.sock");
  auto second = start_daemon(notify2);
  auto exit_code = second->wait(15s);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 4);
  EXPECT_THAT(daemon_log(), HasSubstr("another openclawd daemon is listening"));
  EXPECT_TRUE(cli({"status"}).exit_code == 0);  // the first one is untouched
  first->signal(SIGTERM);
  EXPECT_EQ(first->wait(20s), std::optional<int>(0));
}

TEST_F(DaemonE2E, CheckConfigPrintsTheResolvedConfigOrNamesTheBrokenKey) {
  write_config();
  auto ok = cli({"check-config"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  auto resolved = nlohmann::json::parse(ok.out);
  EXPECT_EQ(resolved["state_dir"], (dir_ / "state").string());
  EXPECT_EQ(resolved["control_socket"], (dir_ / "run/control.sock").string());
  EXPECT_THAT(ok.err, HasSubstr("configuration is valid"));

  config_["vms"].push_back({{"name", "x"}, {"vcpu", "two"}});
  write_config();
  auto broken = cli({"check-config"});
  EXPECT_EQ(broken.exit_code, 3);
  EXPECT_THAT(broken.err, HasSubstr("openclawd.json: /vms/0/vcpu: expected an integer"));
  EXPECT_THAT(broken.err, HasSubstr("/vms/0/memory_mib: required key is missing"));
}

TEST_F(DaemonE2E, LogsPrintsTheTailAndFollowsAcrossRotation) {
  write_config();
  auto missing = cli({"logs", "dns"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no dns log yet"));

  dir_.write("log/dns.jsonl", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  auto tail = cli({"logs", "dns", "-n", "2"});
  ASSERT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_EQ(tail.out, "{\"n\":2}\n{\"n\":3}\n");

  const auto output = dir_ / "follow.out";
  testing::BackgroundProcess follower(
      {binary(), "logs", "dns", "-f", "-n", "1", "--config", (dir_ / "openclawd.json").string()},
      {}, output.string());
  auto wait_for = [&](const std::string& needle) {
    for (int i = 0; i < 250; ++i) {
      std::ifstream in(output);
      std::string text(std::istreambuf_iterator<char>(in), {});
      if (text.find(needle) != std::string::npos) return text;
      ::usleep(20000);
    }
    return std::string("timed out waiting for ") + needle;
  };
  EXPECT_THAT(wait_for("{\"n\":3}"), Not(HasSubstr("{\"n\":2}")));
  std::ofstream(dir_ / "log/dns.jsonl", std::ios::app) << "{\"n\":4}\n";
  EXPECT_THAT(wait_for("{\"n\":4}"), HasSubstr("{\"n\":4}"));
  std::filesystem::rename(dir_ / "log/dns.jsonl", dir_ / "log/dns.jsonl.1");
  dir_.write("log/dns.jsonl", "{\"n\":5}\n");
  EXPECT_THAT(wait_for("{\"n\":5}"), HasSubstr("{\"n\":5}"));
}

TEST_F(DaemonE2E, UsageErrorsExitWith2) {
  auto result = testing::run_command({binary(), "stop", "--bogus"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(testing::run_command({binary()}).exit_code, 2);
}

}  // namespace
}  // namespace openclawd
