// The real libvirt hypervisor against libvirt's own in-process test driver
// (test:///default): domain creation from our XML, lifecycle events through
// the event thread into asio, listing, and the supervisor on top of it.

#include <gtest/gtest.h>
#include <libvirt/libvirt.h>

#include <boost/asio/io_context.hpp>

#include "openclawd/vm/libvirt_hypervisor.hpp"
#include "openclawd/vm/supervisor.hpp"
#include "test_doubles.hpp"

namespace openclawd::vm {
namespace {

using namespace std::chrono_literals;

// Runs the io_context until `done` holds or 10 s pass.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(20ms);
    io.restart();
  }
  return done();
}

std::string unique_prefix() {
  return "ocd-t" + std::to_string(::getpid()) + "-";
}

TEST(LibvirtTestDriver, StartsListsAndReportsStops) {
  boost::asio::io_context io;
  auto hypervisor = connect_libvirt(io, {"test:///default", 100ms, "/nonexistent"});
  ASSERT_TRUE(hypervisor) << hypervisor.error().message;
  std::vector<DomainStopped> stops;
  (*hypervisor)->on_stopped([&](const DomainStopped& event) { stops.push_back(event); });

  const auto prefix = unique_prefix();
  auto vm = testing::reference_vms()[1];
  DomainSpec spec{prefix + "gogcli", DomainFlavour::qemu, "/run/s", "/tmp/serial.log", {}, {}};
  auto started = (*hypervisor)->start(spec.domain_name, domain_xml(vm, spec));
  ASSERT_TRUE(started) << started.error().message;

  auto running = (*hypervisor)->list_running(prefix);
  ASSERT_TRUE(running);
  ASSERT_EQ(running->size(), 1u);
  EXPECT_EQ((*running)[0].name, spec.domain_name);

  ASSERT_TRUE((*hypervisor)->destroy(spec.domain_name));
  ASSERT_TRUE(run_until(io, [&] { return !stops.empty(); })) << "no stopped event";
  EXPECT_EQ(stops[0].name, spec.domain_name);
  EXPECT_EQ(stops[0].reason, ExitReason::destroyed);
  EXPECT_TRUE((*hypervisor)->list_running(prefix)->empty());
}

TEST(LibvirtTestDriver, StartFailureNamesTheDomain) {
  boost::asio::io_context io;
  auto hypervisor = connect_libvirt(io, {"test:///default", 100ms, "/nonexistent"});
  ASSERT_TRUE(hypervisor);
  auto started = (*hypervisor)->start("broken", "<domain type='qemu'><name>broken</name>");
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("broken"), std::string::npos);
}

TEST(LibvirtTestDriver, UnreachableUriIsAClearError) {
  boost::asio::io_context io;
  auto hypervisor =
      connect_libvirt(io, {"qemu+unix:///system?socket=/nonexistent/sock", 100ms, "/"});
  ASSERT_FALSE(hypervisor);
  EXPECT_NE(hypervisor.error().message.find("libvirtd"), std::string::npos);
}

TEST(LibvirtTestDriver, SupervisorRestartsADomainDestroyedFromOutside) {
  boost::asio::io_context io;
  auto hypervisor = connect_libvirt(io, {"test:///default", 100ms, "/nonexistent"});
  ASSERT_TRUE(hypervisor) << hypervisor.error().message;
  auto hooks = std::make_shared<testing::RecordingHooks::Shared>();
  auto vms = testing::reference_vms();
  for (auto& vm : vms) vm.restart.backoff_initial_ms = 50;
  SupervisorSettings settings;
  settings.domain_prefix = unique_prefix() + "sup-";
  settings.flavour = DomainFlavour::qemu;
  settings.create_disks = false;
  auto supervisor =
      Supervisor::create(vms, settings, std::move(*hypervisor),
                         std::make_unique<testing::RecordingHooks>(hooks), make_asio_clock(io));
  ASSERT_TRUE(supervisor);
  auto& sup = **supervisor;
  std::optional<Status> started;
  sup.start({}, [&](Status status) { started = status; });
  ASSERT_TRUE(started && *started) << (started ? started->error().message : "not finished");

  // Someone else kills gogcli (the in-process test driver is shared between
  // connections of this process).
  virConnectPtr other = virConnectOpen("test:///default");
  ASSERT_NE(other, nullptr);
  virDomainPtr domain = virDomainLookupByName(other, (settings.domain_prefix + "gogcli").c_str());
  ASSERT_NE(domain, nullptr);
  ASSERT_EQ(virDomainDestroy(domain), 0);
  virDomainFree(domain);
  virConnectClose(other);

  ASSERT_TRUE(run_until(io, [&] { return sup.status_of("gogcli").restarts == 1; }));
  EXPECT_EQ(sup.status_of("gogcli").state, VmState::running);
  EXPECT_EQ(sup.status_of("gogcli").last_exit, ExitReason::destroyed);

  std::optional<Status> stopped;
  sup.stop({}, [&](Status status) { stopped = status; });
  ASSERT_TRUE(run_until(io, [&] { return stopped.has_value(); }));
  EXPECT_TRUE(*stopped);
  EXPECT_EQ(sup.status_of("gogcli").state, VmState::stopped);
  EXPECT_EQ(sup.status_of("openclaw").state, VmState::stopped);
}

}  // namespace
}  // namespace openclawd::vm
