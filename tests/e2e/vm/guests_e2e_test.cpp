// End to end with real guests: the real daemon (`openclawd daemon`) and CLI,
// a real libvirtd and virtlogd, qemu under TCG and the test guest of
// vms/build-test-guest.sh. Everything runs in a network namespace this test
// makes, so the daemon's bridge, taps and nftables rules never touch the host.
//
// What a user relies on and this checks:
//   - `openclawd start` boots gogcli, then openclaw; `status` says so;
//   - each guest mounts its secrets at /run/secrets and reads the token the
//     host just wrote, read-only;
//   - the daemon's firewall lets openclaw reach gogcli on tcp/22 and not the
//     reverse (probed from inside the guests), and logs the dropped attempt
//     with the VM's name;
//   - a guest whose hypervisor dies is booted again with a new token;
//   - `openclawd stop` shuts both down and removes their taps; the daemon
//     exits cleanly on SIGTERM and the rules stay (fail closed).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/netns.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"

namespace openclawd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr const char* kOpenclawIp = "192.168.83.2";
constexpr const char* kGogcliIp = "192.168.83.3";

using openclawd::testing::read_file;

bool eventually(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(250ms);
  }
  return true;
}

class GuestsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (libvirtd, network namespace, taps)";
    if (testing::run_command({"pgrep", "-x", "libvirtd"}).exit_code == 0) {
      GTEST_SKIP() << "a libvirtd is already running; this test starts its own";
    }
    // qemu runs as libvirt-qemu and must reach the disk images in here.
    std::filesystem::permissions(
        dir_.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                         std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                         std::filesystem::perms::others_exec);
    images_ = testing::source_dir() / "build/test-guest";
    auto built = testing::run_command(
        {"bash", (testing::source_dir() / "vms/build-test-guest.sh").string(), images_.string()},
        600s);
    ASSERT_EQ(built.exit_code, 0) << built.err;
    ASSERT_TRUE(netns_.created());
    virtlogd_ = std::make_unique<testing::BackgroundProcess>(netns_.wrap({"virtlogd"}),
                                                             std::map<std::string, std::string>{},
                                                             (dir_ / "virtlogd.log").string());
    libvirtd_ = std::make_unique<testing::BackgroundProcess>(netns_.wrap({"libvirtd"}),
                                                             std::map<std::string, std::string>{},
                                                             (dir_ / "libvirtd.log").string());
    ASSERT_TRUE(
        eventually([] { return std::filesystem::exists("/run/libvirt/libvirt-sock"); }, 20s))
        << read_file(dir_ / "libvirtd.log");
    std::this_thread::sleep_for(500ms);
    write_config();
  }

  void TearDown() override {
    if (daemon_) {
      daemon_->signal(SIGTERM);
      daemon_->wait(30s);
      daemon_.reset();
    }
    for (const auto& name : {"gogcli", "openclaw"}) {
      testing::run_command({"virsh", "-c", "qemu:///system", "destroy", prefix_ + name});
    }
    if (libvirtd_) {
      libvirtd_->signal(SIGTERM);
      libvirtd_->wait(10s);
    }
    if (virtlogd_) {
      virtlogd_->signal(SIGTERM);
      virtlogd_->wait(5s);
    }
    auto left = testing::run_command({"pgrep", "-f", "virtiofsd.*" + dir_.path().string()});
    std::istringstream pids(left.out);
    for (int pid = 0; pids >> pid;) ::kill(pid, SIGKILL);
    // The secrets' read-only views are bind mounts under the state dir.
    testing::run_command({"bash", "-c",
                          "grep -o ' " + dir_.path().string() +
                              "[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l"});
  }

  nlohmann::json vm(const std::string& name, const std::string& ip, const std::string& mac,
                    const std::string& tap, const std::string& probe) {
    return {
        {"name", name},
        {"vcpu", 1},
        {"memory_mib", 256},
        {"kernel", (images_ / "vmlinuz").string()},
        {"initrd", (images_ / "initrd.img").string()},
        {"cmdline", "console=ttyS0 panic=-1 openclawd.role=" + name + " openclawd.probe=" + probe},
        {"disks", {{{"path", name + "-persist.img"}, {"size_mib", 16}}}},
        {"network", {{"tap", tap}, {"mac", mac}, {"ip", ip}}},
        {"shares", {{{"tag", "secrets"}, {"source", "secrets"}, {"readonly", true}}}},
        {"autostart", false},
        {"restart", {{"policy", "always"}, {"backoff_initial_ms", 500}}},
        {"shutdown_timeout_s", 10}};
  }

  void write_config() {
    auto gogcli = vm("gogcli", kGogcliIp, "02:00:00:00:00:02", "ocd-e2e-gog",
                     std::string(kOpenclawIp) + ":22");
    gogcli["secrets"] = {{"tokens", {{{"file", "gateway-token"}}}}};
    auto openclaw = vm("openclaw", kOpenclawIp, "02:00:00:00:00:01", "ocd-e2e-oc",
                       std::string(kGogcliIp) + ":22");
    openclaw["depends_on"] = {"gogcli"};
    openclaw["secrets"] = {{"tokens", {{{"file", "gateway-token"}}, {{"file", "defender-token"}}}}};
    nlohmann::json config = {
        {"version", 1},
        {"state_dir", "state"},
        {"log_dir", "log"},
        {"control_socket", "run/control.sock"},
        {"hypervisor", {{"domain_type", "qemu"}, {"domain_prefix", prefix_}}},
        {"network",
         {{"bridge", "ocde2ebr"},
          {"address", "192.168.83.1/24"},
          {"flows", {{{"from", "openclaw"}, {"to", "gogcli"}, {"proto", "tcp"}, {"port", 22}}}}}},
        {"dns", {{"enabled", false}}},
        {"audit", {{"enabled", false}}},
        {"secrets", {{"admin_dir", "admin"}}},
        {"defender", {{"enabled", false}}},
        {"vms", {gogcli, openclaw}},
    };
    config_path_ = dir_.write("openclawd.json", config.dump(2)).string();
  }

  testing::CommandResult cli(std::vector<std::string> args,
                             std::chrono::milliseconds timeout = 60s) {
    args.insert(args.begin(), testing::openclawd_binary());
    args.push_back("--config");
    args.push_back(config_path_);
    return testing::run_command(args, timeout);
  }

  void start_daemon() {
    daemon_ = std::make_unique<testing::BackgroundProcess>(
        netns_.wrap(
            {testing::openclawd_binary(), "daemon", "--config", config_path_, "--log-stderr"}),
        std::map<std::string, std::string>{}, (dir_ / "daemon.log").string());
    ASSERT_TRUE(eventually([&] { return cli({"status"}).exit_code == 0; }, 30s))
        << read_file(dir_ / "daemon.log");
  }

  nlohmann::json vm_status(const std::string& name) {
    auto status = cli({"status", "--json"});
    if (status.exit_code != 0) return nullptr;
    const auto document = nlohmann::json::parse(status.out, nullptr, false);
    if (!document.is_object()) return nullptr;
    for (const auto& vm : document["vms"]) {
      if (vm["name"] == name) return vm;
    }
    return nullptr;
  }

  std::string serial(const std::string& vm) {
    return read_file(dir_ / "log" / (vm + "-serial.log"));
  }
  // The lines of the test guest's init only (the kernel's boot messages are long).
  std::string guest_lines(const std::string& vm) {
    std::istringstream lines(serial(vm));
    std::string kept;
    for (std::string line; std::getline(lines, line);) {
      if (line.find("OPENCLAWD-") != std::string::npos) kept += line + "\n";
    }
    return vm + " said:\n" + kept;
  }
  std::string token_sha256(const std::string& vm) {
    auto hashed = testing::run_command(
        {"sha256sum", (dir_ / "state/secrets" / vm / "gateway-token").string()});
    return hashed.out.substr(0, 64);
  }
  std::string diagnostics() {
    return "\n--- daemon.log\n" + read_file(dir_ / "daemon.log") + "\n--- libvirtd.log\n" +
           read_file(dir_ / "libvirtd.log");
  }

  testing::TempDir dir_;
  std::filesystem::path images_;
  testing::NamedNetns netns_{"ocd-e2e-" + std::to_string(::getpid())};
  std::string prefix_ = "ocd-e2e" + std::to_string(::getpid()) + "-";
  std::string config_path_;
  std::unique_ptr<testing::BackgroundProcess> virtlogd_, libvirtd_, daemon_;
};

TEST_F(GuestsE2E, StartFenceRestartAndStopRealGuests) {
  start_daemon();
  EXPECT_EQ(vm_status("gogcli")["state"], "stopped");

  auto started = cli({"start"}, 600s);
  ASSERT_EQ(started.exit_code, 0) << started.err << diagnostics();
  for (const std::string name : {"gogcli", "openclaw"}) {
    EXPECT_EQ(vm_status(name)["state"], "running") << name;
  }
  auto table = cli({"status"});
  EXPECT_THAT(table.out, HasSubstr("running"));

  // Each guest mounted its share and read the token the host wrote for it.
  for (const std::string name : {"gogcli", "openclaw"}) {
    const auto hash = token_sha256(name);
    ASSERT_EQ(hash.size(), 64u);
    ASSERT_TRUE(
        eventually([&] { return serial(name).find("OPENCLAWD-READY") != std::string::npos; }, 300s))
        << guest_lines(name) << diagnostics();
    const auto said = guest_lines(name);
    EXPECT_THAT(said, HasSubstr("OPENCLAWD-TOKEN-SHA256 " + hash));
    EXPECT_THAT(said, HasSubstr("OPENCLAWD-SECRETS read-only"));
    EXPECT_THAT(said, HasSubstr("OPENCLAWD-NET eth0 "));
  }

  // The allowed flow works (the reply proves packets went both ways) ...
  ASSERT_TRUE(eventually(
      [&] {
        return serial("openclaw").find(std::string(kGogcliIp) + ":22 open gogcli") !=
               std::string::npos;
      },
      300s))
      << guest_lines("openclaw") << diagnostics();
  // ... and the reverse does not, even once openclaw answers on tcp/22.
  const auto probes_before = [&] {
    const auto text = serial("gogcli");
    std::size_t n = 0;
    for (auto pos = text.find("OPENCLAWD-PROBE "); pos != std::string::npos;
         pos = text.find("OPENCLAWD-PROBE ", pos + 1))
      ++n;
    return n;
  };
  ASSERT_TRUE(eventually(
      [&] { return serial("openclaw").find("OPENCLAWD-READY") != std::string::npos; }, 120s));
  const auto seen = probes_before();
  ASSERT_TRUE(eventually([&] { return probes_before() >= seen + 3; }, 120s))
      << guest_lines("gogcli");
  EXPECT_THAT(guest_lines("gogcli"), Not(HasSubstr(std::string(kOpenclawIp) + ":22 open")));
  // The refused attempt is in the egress log, with the VM's name.
  ASSERT_TRUE(eventually(
      [&] {
        std::istringstream lines(read_file(dir_ / "log/egress.jsonl"));
        for (std::string line; std::getline(lines, line);) {
          auto event = nlohmann::json::parse(line, nullptr, false);
          if (event.is_object() && event.value("vm", "") == "gogcli" &&
              event.value("verdict", "") == "drop" && event.value("dst", "") == kOpenclawIp &&
              event.value("dport", 0) == 22) {
            return true;
          }
        }
        return false;
      },
      60s))
      << read_file(dir_ / "log/egress.jsonl");

  // openclaw's hypervisor dies: the daemon boots it again with a new token.
  const auto old_hash = token_sha256("openclaw");
  const auto pid = vm_status("openclaw")["pid"];
  ASSERT_TRUE(pid.is_number()) << vm_status("openclaw").dump();
  ASSERT_EQ(::kill(pid.get<int>(), SIGKILL), 0);
  ASSERT_TRUE(eventually(
      [&] {
        auto s = vm_status("openclaw");
        return s.is_object() && s["restarts"] == 1 && s["state"] == "running";
      },
      120s))
      << vm_status("openclaw").dump() << diagnostics();
  const auto new_hash = token_sha256("openclaw");
  EXPECT_NE(new_hash, old_hash);
  ASSERT_TRUE(eventually(
      [&] {
        return serial("openclaw").find("OPENCLAWD-TOKEN-SHA256 " + new_hash) != std::string::npos;
      },
      300s))
      << guest_lines("openclaw");
  EXPECT_EQ(vm_status("gogcli")["restarts"], 0);

  auto stopped = cli({"stop"}, 180s);
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err << diagnostics();
  for (const std::string name : {"gogcli", "openclaw"}) {
    EXPECT_EQ(vm_status(name)["state"], "stopped") << name;
  }
  auto listed = testing::run_command({"virsh", "-c", "qemu:///system", "list", "--name"});
  EXPECT_THAT(listed.out, Not(HasSubstr(prefix_)));
  auto links = netns_.run({"ip", "-o", "link", "show"});
  EXPECT_THAT(links.out, Not(HasSubstr("ocd-e2e-oc")));
  EXPECT_THAT(links.out, HasSubstr("ocde2ebr"));
  EXPECT_NE(testing::run_command({"pgrep", "-f", "virtiofsd.*" + dir_.path().string()}).exit_code,
            0)
      << "a virtiofsd outlived its guest";

  daemon_->signal(SIGTERM);
  auto exit_code = daemon_->wait(60s);
  ASSERT_TRUE(exit_code.has_value()) << diagnostics();
  EXPECT_EQ(*exit_code, 0) << diagnostics();
  daemon_.reset();
  // Fail closed: the daemon is gone, its rules are not.
  auto tables = netns_.run({"nft", "list", "tables"});
  EXPECT_THAT(tables.out, HasSubstr("openclawd"));
}

}  // namespace
}  // namespace openclawd
