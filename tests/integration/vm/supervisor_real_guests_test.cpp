// Real guests: libvirtd + virtlogd in a network namespace this test makes,
// qemu under TCG, the test guest from vms/build-test-guest.sh. The Supervisor
// boots both guests in dependency order, each reads a fresh gateway token
// through virtiofs; killing one qemu gets it restarted with a new token; stop
// leaves no domain, tap or virtiofsd.
//
// The BootHooks here stand in for the net and secrets modules (built in
// parallel): `ip` commands make the bridge and taps inside the namespace, and
// a fresh random gateway-token file is written before every boot.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "../../unit/vm/test_doubles.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "openclawd/vm/libvirt_hypervisor.hpp"
#include "openclawd/vm/supervisor.hpp"

namespace openclawd::vm {
namespace {

using namespace std::chrono_literals;
using openclawd::testing::run_command;

using openclawd::testing::read_file;

class NetnsCommands {
 public:
  explicit NetnsCommands(std::string netns) : netns_(std::move(netns)) {}
  openclawd::testing::CommandResult run(std::vector<std::string> argv,
                                        std::chrono::milliseconds timeout = 30s) const {
    argv.insert(argv.begin(), {"nsenter", "--net=/run/netns/" + netns_});
    return run_command(argv, timeout);
  }

 private:
  std::string netns_;
};

// Stand-in for the net and secrets modules (see the file comment).
class IpCommandHooks : public BootHooks {
 public:
  IpCommandHooks(NetnsCommands netns, std::filesystem::path secrets_root)
      : netns_(std::move(netns)), secrets_root_(std::move(secrets_root)) {}
  Result<BootResources> before_boot(const config::VmConfig& vm) override {
    const auto& tap = vm.network.tap;
    auto made = netns_.run({"ip", "tuntap", "add", "dev", tap, "mode", "tap"});
    if (made.exit_code != 0) return make_error("tap " + tap + ": " + made.err);
    netns_.run({"ip", "link", "set", tap, "master", "ocdbr0", "up"});
    auto dir = secrets_root_ / vm.name;
    std::filesystem::create_directories(dir);
    std::random_device random;
    std::string token;
    for (int i = 0; i < 32; ++i) token += "0123456789abcdef"[random() % 16];
    std::ofstream(dir / "gateway-token") << token << "\n";
    return BootResources{dir};
  }
  void after_stop(const config::VmConfig& vm) override {
    netns_.run({"ip", "link", "del", vm.network.tap});
  }

 private:
  NetnsCommands netns_;
  std::filesystem::path secrets_root_;
};

std::string sha256_of(const std::filesystem::path& file) {
  auto result = run_command({"sha256sum", file.string()});
  return result.out.substr(0, 64);
}

class RealGuests : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (libvirtd, network namespace, taps)";
    if (run_command({"pgrep", "-x", "libvirtd"}).exit_code == 0) {
      GTEST_SKIP() << "a libvirtd is already running; this test starts its own";
    }
    // qemu runs as libvirt-qemu: it must reach the disk images in here.
    std::filesystem::permissions(
        dir_.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                         std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                         std::filesystem::perms::others_exec);
    images_ = openclawd::testing::source_dir() / "build/test-guest";
    auto built = run_command(
        {"bash", (openclawd::testing::source_dir() / "vms/build-test-guest.sh").string(),
         images_.string()},
        600s);
    ASSERT_EQ(built.exit_code, 0) << built.err;
    ASSERT_EQ(run_command({"ip", "netns", "add", netns_name_}).exit_code, 0);
    netns_created_ = true;
    netns_.run({"ip", "link", "set", "lo", "up"});
    netns_.run({"ip", "link", "add", "ocdbr0", "type", "bridge"});
    netns_.run({"ip", "addr", "add", "192.168.83.1/24", "dev", "ocdbr0"});
    netns_.run({"ip", "link", "set", "ocdbr0", "up"});
    const std::string ns = "--net=/run/netns/" + netns_name_;
    virtlogd_ = std::make_unique<openclawd::testing::BackgroundProcess>(
        std::vector<std::string>{"nsenter", ns, "virtlogd"}, std::map<std::string, std::string>{},
        (dir_ / "virtlogd.log").string());
    libvirtd_ = std::make_unique<openclawd::testing::BackgroundProcess>(
        std::vector<std::string>{"nsenter", ns, "libvirtd"}, std::map<std::string, std::string>{},
        (dir_ / "libvirtd.log").string());
    for (int i = 0; i < 100 && !std::filesystem::exists("/run/libvirt/libvirt-sock"); ++i) {
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(std::filesystem::exists("/run/libvirt/libvirt-sock"))
        << read_file(dir_ / "libvirtd.log");
    std::this_thread::sleep_for(500ms);
  }

  void TearDown() override {
    supervisor_.reset();
    for (const auto& name : {"gogcli", "openclaw"}) {
      run_command({"virsh", "-c", "qemu:///system", "destroy", prefix_ + name});
    }
    if (libvirtd_) {
      libvirtd_->signal(SIGTERM);
      libvirtd_->wait(10s);
      libvirtd_.reset();
    }
    if (virtlogd_) {
      virtlogd_->signal(SIGTERM);
      virtlogd_->wait(5s);
      virtlogd_.reset();
    }
    // virtiofsd processes serving this test's directories only.
    auto left = run_command({"pgrep", "-f", "virtiofsd.*" + dir_.path().string()});
    std::istringstream pids(left.out);
    for (int pid = 0; pids >> pid;) ::kill(pid, SIGKILL);
    if (netns_created_) run_command({"ip", "netns", "del", netns_name_});
  }

  std::vector<config::VmConfig> guests() {
    auto vms = testing::reference_vms();
    for (auto& vm : vms) {
      vm.memory_mib = 256;  // the reference is 4096/512; keep tests small
      vm.vcpu = 1;
      vm.kernel = images_ / "vmlinuz";
      vm.initrd = images_ / "initrd.img";
      vm.disks = {{dir_ / (vm.name + "-persist.img"), 16, "ext4"}};
      vm.serial_log = dir_ / (vm.name + "-serial.log");
      vm.vsock_cid.reset();  // vhost-vsock CIDs are host-global; tests must not collide
      vm.restart.backoff_initial_ms = 500;
      vm.shutdown_timeout_s = 10;  // the test guest's init ignores ACPI
    }
    return vms;
  }

  bool wait_for(const std::function<bool()>& done, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(200ms);
      io_.restart();
    }
    return done();
  }

  bool serial_has(const std::string& vm, const std::string& text) {
    return read_file(dir_ / (vm + "-serial.log")).find(text) != std::string::npos;
  }

  std::string netns_name_ = "ocd-vm-" + std::to_string(::getpid());
  NetnsCommands netns_{netns_name_};
  bool netns_created_ = false;
  std::string prefix_ = "ocd-it" + std::to_string(::getpid()) + "-";
  openclawd::testing::TempDir dir_;
  std::filesystem::path images_;
  std::unique_ptr<openclawd::testing::BackgroundProcess> virtlogd_, libvirtd_;
  boost::asio::io_context io_;
  std::unique_ptr<Supervisor> supervisor_;
};

TEST_F(RealGuests, BootRestartAndStopUnderTcg) {
  auto hypervisor = connect_libvirt(io_, {});
  ASSERT_TRUE(hypervisor) << hypervisor.error().message;
  SupervisorSettings settings;
  settings.domain_prefix = prefix_;
  settings.flavour = DomainFlavour::qemu;
  settings.virtiofsd = "/usr/lib/qemu/virtiofsd";
  auto created = Supervisor::create(guests(), settings, std::move(*hypervisor),
                                    std::make_unique<IpCommandHooks>(netns_, dir_ / "secrets"),
                                    make_asio_clock(io_));
  ASSERT_TRUE(created) << created.error().message;
  supervisor_ = std::move(*created);

  std::optional<Status> started;
  supervisor_->start({}, [&](Status status) { started = status; });
  ASSERT_TRUE(started && *started)
      << (started ? started->error().message : "not finished") << read_file(dir_ / "libvirtd.log");
  for (const std::string vm : {"gogcli", "openclaw"}) {
    const auto hash = sha256_of(dir_ / "secrets" / vm / "gateway-token");
    ASSERT_TRUE(wait_for([&] { return serial_has(vm, "OPENCLAWD-TOKEN-SHA256 " + hash); }, 300s))
        << vm << " serial log:\n"
        << read_file(dir_ / (vm + "-serial.log"));
    EXPECT_TRUE(serial_has(vm, "OPENCLAWD-BOOT role=" + vm + "\r\n"));
    EXPECT_TRUE(serial_has(vm, "OPENCLAWD-SECRETS mounted"));
    // Not checked here: read-only. libvirt 9.0 has no <readonly/> for virtiofs,
    // and the guest reported the share writable despite mounting it ro; the
    // secrets module makes the directory a read-only bind mount (issue 6).
    EXPECT_TRUE(std::filesystem::exists(dir_ / (vm + "-persist.img")));
  }

  // Kill openclaw's qemu: the supervisor must boot it again with a new token.
  const auto old_hash = sha256_of(dir_ / "secrets/openclaw/gateway-token");
  auto pid = supervisor_->status_of("openclaw").pid;
  ASSERT_TRUE(pid.has_value());
  ASSERT_EQ(::kill(*pid, SIGKILL), 0);
  ASSERT_TRUE(wait_for(
      [&] {
        return supervisor_->status_of("openclaw").restarts == 1 &&
               supervisor_->status_of("openclaw").state == VmState::running;
      },
      120s));
  EXPECT_EQ(supervisor_->status_of("openclaw").last_exit, ExitReason::failed);
  EXPECT_NE(supervisor_->status_of("openclaw").pid, pid);
  const auto new_hash = sha256_of(dir_ / "secrets/openclaw/gateway-token");
  EXPECT_NE(new_hash, old_hash);
  ASSERT_TRUE(
      wait_for([&] { return serial_has("openclaw", "OPENCLAWD-TOKEN-SHA256 " + new_hash); }, 300s))
      << read_file(dir_ / "openclaw-serial.log");
  EXPECT_EQ(supervisor_->status_of("gogcli").restarts, 0);

  std::optional<Status> stopped;
  supervisor_->stop({}, [&](Status status) { stopped = status; });
  ASSERT_TRUE(wait_for([&] { return stopped.has_value(); }, 120s));
  EXPECT_TRUE(*stopped);
  auto listed = run_command({"virsh", "-c", "qemu:///system", "list", "--name"});
  EXPECT_EQ(listed.out.find(prefix_), std::string::npos) << listed.out;
  auto links = netns_.run({"ip", "-o", "link", "show"});
  EXPECT_EQ(links.out.find("microvm-"), std::string::npos) << links.out;
  EXPECT_NE(run_command({"pgrep", "-f", "virtiofsd.*" + dir_.path().string()}).exit_code, 0);
}

}  // namespace
}  // namespace openclawd::vm
