#pragma once
// Test doubles for the vm module: a Hypervisor that records calls and lets
// the test stop domains, a Clock the test advances by hand, and BootHooks that
// count their calls.

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "openclawd/config/net_types.hpp"
#include "openclawd/vm/boot_hooks.hpp"
#include "openclawd/vm/clock.hpp"
#include "openclawd/vm/hypervisor.hpp"

namespace openclawd::vm::testing {

class FakeHypervisor : public Hypervisor {
 public:
  struct Shared {
    std::vector<std::string> calls;      // "start gogcli-x", "shutdown x", ...
    std::map<std::string, int> running;  // domain -> pid
    std::map<std::string, std::string> xml;
    std::set<std::string> fail_start;
    bool ignore_shutdown = false;  // the guest ignores the ACPI button
    int next_pid = 100;
    StoppedHandler stopped;
    ReconnectedHandler reconnected;

    // The domain stops "on its own" (crash, power-off, killed qemu).
    void stop(const std::string& domain, ExitReason reason) {
      running.erase(domain);
      if (stopped) stopped({domain, reason});
    }
  };

  explicit FakeHypervisor(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  void on_stopped(StoppedHandler handler) override { shared_->stopped = std::move(handler); }
  void on_reconnected(ReconnectedHandler handler) override {
    shared_->reconnected = std::move(handler);
  }
  Result<std::optional<int>> start(const std::string& name, const std::string& xml) override {
    shared_->calls.push_back("start " + name);
    if (shared_->fail_start.count(name)) return make_error("start refused for " + name);
    if (shared_->running.count(name)) return make_error("domain " + name + " already running");
    shared_->xml[name] = xml;
    shared_->running[name] = shared_->next_pid;
    return std::optional<int>(shared_->next_pid++);
  }
  Status shutdown(const std::string& name) override {
    shared_->calls.push_back("shutdown " + name);
    if (!shared_->running.count(name)) return make_error("no domain " + name);
    if (!shared_->ignore_shutdown) shared_->stop(name, ExitReason::shutdown);
    return ok_status();
  }
  Status destroy(const std::string& name) override {
    shared_->calls.push_back("destroy " + name);
    if (!shared_->running.count(name)) return make_error("no domain " + name);
    shared_->stop(name, ExitReason::destroyed);
    return ok_status();
  }
  Result<std::vector<RunningDomain>> list_running(const std::string& prefix) override {
    std::vector<RunningDomain> result;
    for (const auto& [name, pid] : shared_->running) {
      if (name.starts_with(prefix)) result.push_back({name, pid});
    }
    return result;
  }

 private:
  std::shared_ptr<Shared> shared_;
};

class FakeClock : public Clock {
 public:
  struct Pending {
    time_point due;
    std::function<void()> callback;
    bool cancelled = false;
  };
  struct Shared {
    time_point now{std::chrono::hours(1)};
    std::vector<std::shared_ptr<Pending>> pending;

    // Moves time forward, firing due callbacks in order.
    void advance(duration by) {
      const auto until = now + by;
      for (;;) {
        std::shared_ptr<Pending> next;
        for (auto& p : pending) {
          if (!p->cancelled && p->due <= until && (!next || p->due < next->due)) next = p;
        }
        if (!next) break;
        now = std::max(now, next->due);
        next->cancelled = true;
        next->callback();
      }
      now = until;
    }
    // Delays of the callbacks still waiting.
    std::vector<duration> waiting() const {
      std::vector<duration> result;
      for (const auto& p : pending) {
        if (!p->cancelled) result.push_back(std::chrono::duration_cast<duration>(p->due - now));
      }
      return result;
    }
  };

  class FakeTimer : public Timer {
   public:
    explicit FakeTimer(std::shared_ptr<Pending> pending) : pending_(std::move(pending)) {}
    ~FakeTimer() override { cancel(); }
    void cancel() override { pending_->cancelled = true; }

   private:
    std::shared_ptr<Pending> pending_;
  };

  explicit FakeClock(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  time_point now() const override { return shared_->now; }
  std::unique_ptr<Timer> call_after(duration delay, std::function<void()> callback) override {
    auto pending = std::make_shared<Pending>(Pending{shared_->now + delay, std::move(callback)});
    shared_->pending.push_back(pending);
    return std::make_unique<FakeTimer>(pending);
  }

 private:
  std::shared_ptr<Shared> shared_;
};

class RecordingHooks : public BootHooks {
 public:
  struct Shared {
    std::vector<std::string> calls;  // "before gogcli", "after gogcli"
    std::filesystem::path secrets_dir = "/run/openclawd/secrets";
  };
  explicit RecordingHooks(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  Result<BootResources> before_boot(const config::VmConfig& vm) override {
    shared_->calls.push_back("before " + vm.name);
    return BootResources{shared_->secrets_dir / vm.name};
  }
  void after_stop(const config::VmConfig& vm) override {
    shared_->calls.push_back("after " + vm.name);
  }

 private:
  std::shared_ptr<Shared> shared_;
};

// The reference deployment's two guests, in config order openclaw first (so
// dependency ordering has something to do).
inline std::vector<config::VmConfig> reference_vms() {
  config::VmConfig gogcli;
  gogcli.name = "gogcli";
  gogcli.vcpu = 1;
  gogcli.memory_mib = 512;
  gogcli.kernel = "/var/lib/openclawd/images/vmlinuz";
  gogcli.initrd = "/var/lib/openclawd/images/initrd.img";
  gogcli.cmdline = "console=ttyS0 panic=-1 openclawd.role=gogcli";
  gogcli.disks.push_back({"/var/lib/openclawd/gogcli-persist.img", 1024, "ext4"});
  gogcli.network.tap = "microvm-gog";
  gogcli.network.mac = *config::MacAddress::parse("02:00:00:00:00:02");
  gogcli.network.ip = *config::Ipv4Address::parse("192.168.83.3");
  gogcli.shares.push_back({"secrets", "secrets", {}, true});
  gogcli.vsock_cid = 4;
  gogcli.serial_log = "/var/log/openclawd/gogcli-serial.log";

  config::VmConfig openclaw = gogcli;
  openclaw.name = "openclaw";
  openclaw.vcpu = 4;
  openclaw.memory_mib = 4096;
  openclaw.cmdline = "console=ttyS0 panic=-1 openclawd.role=openclaw";
  openclaw.disks = {{"/var/lib/openclawd/openclaw-persist.img", 4096, "ext4"}};
  openclaw.network.tap = "microvm-oc";
  openclaw.network.mac = *config::MacAddress::parse("02:00:00:00:00:01");
  openclaw.network.ip = *config::Ipv4Address::parse("192.168.83.2");
  openclaw.vsock_cid = 3;
  openclaw.serial_log = "/var/log/openclawd/openclaw-serial.log";
  openclaw.depends_on = {"gogcli"};
  return {openclaw, gogcli};
}

}  // namespace openclawd::vm::testing
