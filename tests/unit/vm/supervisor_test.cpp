// The supervisor against test doubles of the Hypervisor, the Clock and the
// BootHooks: ordering, restart policy with backoff, crash-loop limit,
// graceful stop with timeout, adoption.

#include "openclawd/vm/supervisor.hpp"

#include <gtest/gtest.h>

#include "test_doubles.hpp"

namespace openclawd::vm {
namespace {

using namespace std::chrono_literals;

class SupervisorTest : public ::testing::Test {
 protected:
  void make(std::vector<config::VmConfig> vms = testing::reference_vms()) {
    SupervisorSettings settings;
    settings.domain_prefix = "ocd-";
    settings.flavour = DomainFlavour::qemu;
    settings.create_disks = false;
    auto created = Supervisor::create(std::move(vms), settings,
                                      std::make_unique<testing::FakeHypervisor>(hypervisor),
                                      std::make_unique<testing::RecordingHooks>(hooks),
                                      std::make_unique<testing::FakeClock>(clock));
    ASSERT_TRUE(created) << created.error().message;
    supervisor = std::move(*created);
  }

  Status run_start(std::vector<std::string> names = {}) {
    std::optional<Status> result;
    supervisor->start(names, [&](Status status) { result = status; });
    EXPECT_TRUE(result.has_value()) << "start did not finish";
    return result.value_or(make_error("not finished"));
  }

  std::shared_ptr<testing::FakeHypervisor::Shared> hypervisor =
      std::make_shared<testing::FakeHypervisor::Shared>();
  std::shared_ptr<testing::RecordingHooks::Shared> hooks =
      std::make_shared<testing::RecordingHooks::Shared>();
  std::shared_ptr<testing::FakeClock::Shared> clock =
      std::make_shared<testing::FakeClock::Shared>();
  std::unique_ptr<Supervisor> supervisor;
};

TEST(DependencyOrder, DependenciesComeFirst) {
  auto order = dependency_order(testing::reference_vms());
  ASSERT_TRUE(order);
  EXPECT_EQ(*order, (std::vector<std::string>{"gogcli", "openclaw"}));
}

TEST(DependencyOrder, UnknownDependencyIsNamed) {
  auto vms = testing::reference_vms();
  vms[0].depends_on = {"nosuchvm"};
  auto order = dependency_order(vms);
  ASSERT_FALSE(order);
  EXPECT_NE(order.error().message.find("nosuchvm"), std::string::npos);
}

TEST(DependencyOrder, CycleIsRejected) {
  auto vms = testing::reference_vms();
  vms[1].depends_on = {"openclaw"};  // gogcli -> openclaw -> gogcli
  auto order = dependency_order(vms);
  ASSERT_FALSE(order);
  EXPECT_NE(order.error().message.find("cycle"), std::string::npos) << order.error().message;
}

TEST_F(SupervisorTest, StartsInDependencyOrderWithHooksBeforeEachBoot) {
  make();
  ASSERT_TRUE(run_start());
  EXPECT_EQ(hypervisor->calls,
            (std::vector<std::string>{"start ocd-gogcli", "start ocd-openclaw"}));
  EXPECT_EQ(hooks->calls, (std::vector<std::string>{"before gogcli", "before openclaw"}));
  EXPECT_NE(hypervisor->xml["ocd-gogcli"].find("/run/openclawd/secrets/gogcli"), std::string::npos);
  EXPECT_EQ(supervisor->status_of("openclaw").state, VmState::running);
  EXPECT_EQ(supervisor->status_of("gogcli").pid, 100);
}

TEST_F(SupervisorTest, DependentIsNotStartedWhenItsDependencyFails) {
  make();
  hypervisor->fail_start.insert("ocd-gogcli");
  auto started = run_start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("gogcli"), std::string::npos);
  EXPECT_EQ(hypervisor->calls, (std::vector<std::string>{"start ocd-gogcli"}));
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::failed);
  EXPECT_EQ(supervisor->status_of("openclaw").state, VmState::stopped);
  // The tap made by before_boot is cleaned up.
  EXPECT_EQ(hooks->calls, (std::vector<std::string>{"before gogcli", "after gogcli"}));
}

TEST_F(SupervisorTest, StopsInReverseOrderAndRunsAfterStop) {
  make();
  ASSERT_TRUE(run_start());
  hypervisor->calls.clear();
  hooks->calls.clear();
  std::optional<Status> stopped;
  supervisor->stop({}, [&](Status status) { stopped = status; });
  ASSERT_TRUE(stopped && *stopped);
  EXPECT_EQ(hypervisor->calls,
            (std::vector<std::string>{"shutdown ocd-openclaw", "shutdown ocd-gogcli"}));
  EXPECT_EQ(hooks->calls, (std::vector<std::string>{"after openclaw", "after gogcli"}));
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::stopped);
  EXPECT_TRUE(hypervisor->running.empty());
  // A requested stop is not followed by a restart.
  clock->advance(10min);
  EXPECT_TRUE(hypervisor->running.empty());
}

TEST_F(SupervisorTest, GuestIgnoringPowerButtonIsDestroyedAfterTimeout) {
  auto vms = testing::reference_vms();
  for (auto& vm : vms) vm.shutdown_timeout_s = 30;
  make(vms);
  ASSERT_TRUE(run_start({"gogcli"}));
  hypervisor->ignore_shutdown = true;
  std::optional<Status> stopped;
  supervisor->stop({"gogcli"}, [&](Status status) { stopped = status; });
  EXPECT_FALSE(stopped.has_value());
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::stopping);
  clock->advance(29s);
  EXPECT_FALSE(stopped.has_value());
  clock->advance(1s);
  ASSERT_TRUE(stopped && *stopped);
  EXPECT_EQ(hypervisor->calls.back(), "destroy ocd-gogcli");
  EXPECT_EQ(supervisor->status_of("gogcli").last_exit, ExitReason::destroyed);
}

TEST_F(SupervisorTest, CrashedGuestIsRestartedAfterBackoff) {
  auto vms = testing::reference_vms();
  for (auto& vm : vms) vm.restart.backoff_initial_ms = 2000;
  make(vms);
  ASSERT_TRUE(run_start());
  hypervisor->stop("ocd-gogcli", ExitReason::failed);
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::backoff);
  EXPECT_EQ(supervisor->status_of("gogcli").last_exit, ExitReason::failed);
  EXPECT_EQ(hooks->calls.back(), "after gogcli");
  clock->advance(1999ms);
  EXPECT_FALSE(hypervisor->running.count("ocd-gogcli"));
  clock->advance(1ms);
  EXPECT_TRUE(hypervisor->running.count("ocd-gogcli"));
  EXPECT_EQ(hooks->calls.back(), "before gogcli");
  const auto& status = supervisor->status_of("gogcli");
  EXPECT_EQ(status.state, VmState::running);
  EXPECT_EQ(status.restarts, 1);
  EXPECT_EQ(status.pid, 102);
  auto json = supervisor->vm_status();
  EXPECT_EQ(json[0]["name"], "gogcli");
  EXPECT_EQ(json[0]["restarts"], 1);
  EXPECT_EQ(json[0]["last_exit"], "failed");
  EXPECT_EQ(json[0]["pid"], 102);
}

TEST_F(SupervisorTest, CrashLoopMarksVmFailed) {
  auto vms = testing::reference_vms();
  for (auto& vm : vms) {
    vm.restart.max_restarts = 3;
    vm.restart.window_s = 600;
    vm.restart.backoff_initial_ms = 100;
  }
  make(vms);
  ASSERT_TRUE(run_start({"gogcli"}));
  for (int i = 0; i < 3; ++i) {
    hypervisor->stop("ocd-gogcli", ExitReason::crashed);
    clock->advance(1min);
    ASSERT_EQ(supervisor->status_of("gogcli").state, VmState::running) << "restart " << i;
  }
  hypervisor->stop("ocd-gogcli", ExitReason::crashed);
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::failed);
  EXPECT_NE(supervisor->status_of("gogcli").last_error.find("crash loop"), std::string::npos);
  clock->advance(1h);
  EXPECT_FALSE(hypervisor->running.count("ocd-gogcli"));
  EXPECT_EQ(supervisor->vm_status()[0]["state"], "failed");
  // An operator start clears the failure.
  ASSERT_TRUE(run_start({"gogcli"}));
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::running);
}

TEST_F(SupervisorTest, NeverPolicyLeavesCrashedGuestStopped) {
  auto vms = testing::reference_vms();
  for (auto& vm : vms) vm.restart.policy = config::RestartPolicy::never;
  make(vms);
  ASSERT_TRUE(run_start({"gogcli"}));
  hypervisor->stop("ocd-gogcli", ExitReason::crashed);
  clock->advance(1h);
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::stopped);
  EXPECT_FALSE(hypervisor->running.count("ocd-gogcli"));
}

TEST_F(SupervisorTest, AdoptsRunningDomainsInsteadOfRebooting) {
  hypervisor->running["ocd-gogcli"] = 4242;
  hypervisor->running["ocd-stale"] = 1;
  hypervisor->running["other-vm"] = 2;
  make();
  ASSERT_TRUE(supervisor->adopt_running());
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::running);
  EXPECT_EQ(supervisor->status_of("gogcli").pid, 4242);
  ASSERT_TRUE(run_start());
  // gogcli was adopted, only openclaw boots.
  EXPECT_EQ(hypervisor->calls, (std::vector<std::string>{"start ocd-openclaw"}));
  EXPECT_TRUE(hypervisor->running.count("ocd-stale"));
}

TEST_F(SupervisorTest, ReconnectNoticesGuestsThatVanished) {
  make();
  ASSERT_TRUE(run_start());
  hypervisor->running.erase("ocd-openclaw");  // died while libvirtd was away
  hypervisor->reconnected();
  EXPECT_EQ(supervisor->status_of("openclaw").state, VmState::backoff);
  EXPECT_EQ(supervisor->status_of("openclaw").last_exit, ExitReason::unknown);
  EXPECT_EQ(supervisor->status_of("gogcli").state, VmState::running);
}

TEST_F(SupervisorTest, UnknownVmNameIsAnError) {
  make();
  auto started = run_start({"nosuch"});
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("nosuch"), std::string::npos);
}

}  // namespace
}  // namespace openclawd::vm
