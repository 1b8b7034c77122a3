// ForwardingManager over a Sysctls double: what it turns on, what it logs in
// status, what it puts back on a clean stop and what it leaves alone.
#include "openclawd/net/forwarding.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/fake_sysctls.hpp"

namespace openclawd::net {
namespace {

using ::testing::ElementsAre;
using testing::FakeSysctls;
using ::testing::HasSubstr;

class ForwardingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sysctls.values[kGlobalForwardingKey] = "0";
    sysctls.add_interface("all", "0");
    sysctls.add_interface("default", "0");
    sysctls.add_interface("lo", "0");
    sysctls.add_interface("microbr", "0");
    sysctls.add_interface("eno1", "0");
    settings.bridge = "microbr";
    settings.uplink = "eno1";
    settings.nat = true;
    settings.guests = {{"openclaw", "microvm-oc", {}, {}}};
  }
  FakeSysctls sysctls;
  NetworkSettings settings;
};

TEST_F(ForwardingTest, NothingIsNeededWithoutNatOrUplink) {
  settings.nat = false;
  settings.uplink.clear();
  EXPECT_TRUE(forwarding_needs(settings).empty());
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  EXPECT_TRUE(sysctls.writes.empty());
  EXPECT_EQ(manager.status()["needed"], false);
}

TEST_F(ForwardingTest, WithAnUplinkOnlyTheBridgeAndTheUplinkAreTurnedOn) {
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  EXPECT_THAT(sysctls.writes,
              ElementsAre("net/ipv4/conf/microbr/forwarding=1", "net/ipv4/conf/eno1/forwarding=1"));
  EXPECT_EQ(sysctls.values[kGlobalForwardingKey], "0") << "the global setting stays as it was";
  const auto status = manager.status();
  EXPECT_EQ(status["managed"], true);
  EXPECT_EQ(status["on"], true);
  ASSERT_EQ(status["settings"].size(), 2u);
  EXPECT_EQ(status["settings"][0]["sysctl"], "net.ipv4.conf.microbr.forwarding");
  EXPECT_EQ(status["settings"][0]["found"], "0");
  EXPECT_EQ(status["settings"][0]["now"], "1");
  EXPECT_EQ(status["settings"][0]["changed"], true);
  EXPECT_TRUE(manager.missing().empty());
}

TEST_F(ForwardingTest, WithoutAnUplinkTheGlobalSettingComesFirst) {
  settings.uplink.clear();
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  // The global write turned the bridge on too: no second write.
  EXPECT_THAT(sysctls.writes, ElementsAre("net/ipv4/ip_forward=1"));
  EXPECT_EQ(sysctls.values["net/ipv4/conf/microbr/forwarding"], "1");
  EXPECT_EQ(manager.status()["settings"][1]["changed"], false);
}

TEST_F(ForwardingTest, SettingsAlreadyOnAreLeftAlone) {
  sysctls.add_interface("microbr", "1");
  sysctls.add_interface("eno1", "1");
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  manager.restore();
  EXPECT_TRUE(sysctls.writes.empty());
}

TEST_F(ForwardingTest, UnmanagedForwardingIsReportedNotChanged) {
  settings.manage_forwarding = false;
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  EXPECT_TRUE(sysctls.writes.empty());
  EXPECT_THAT(manager.missing(),
              ElementsAre("net.ipv4.conf.microbr.forwarding", "net.ipv4.conf.eno1.forwarding"));
  EXPECT_EQ(manager.status()["on"], false);
  EXPECT_EQ(manager.status()["managed"], false);
}

TEST_F(ForwardingTest, AMissingUplinkOrAReadOnlyProcIsReportedAndDoesNotStopTheRest) {
  sysctls.values.erase("net/ipv4/conf/eno1/forwarding");
  sysctls.read_only = {"net/ipv4/conf/microbr/forwarding"};
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  const auto status = manager.status();
  EXPECT_THAT(status["settings"][0]["error"].get<std::string>(), HasSubstr("Permission denied"));
  EXPECT_THAT(status["settings"][1]["error"].get<std::string>(),
              HasSubstr("does network.uplink \"eno1\" exist?"));
  EXPECT_EQ(status["on"], false);
}

TEST_F(ForwardingTest, ACleanStopRestoresWhatItChanged) {
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  sysctls.writes.clear();
  manager.restore();
  EXPECT_THAT(sysctls.writes,
              ElementsAre("net/ipv4/conf/microbr/forwarding=0", "net/ipv4/conf/eno1/forwarding=0"));
  EXPECT_THAT(manager.status()["restore"][0].get<std::string>(),
              HasSubstr("restored net.ipv4.conf.microbr.forwarding=0"));
}

TEST_F(ForwardingTest, RunningGuestsKeepForwardingOn) {
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  sysctls.add_interface("microvm-oc", "1");  // its tap still exists: the guest outlives us
  sysctls.writes.clear();
  manager.restore();
  EXPECT_TRUE(sysctls.writes.empty());
  EXPECT_THAT(manager.status()["restore"][0].get<std::string>(), HasSubstr("microvm-oc"));
}

TEST_F(ForwardingTest, AnotherForwardingInterfaceKeepsTheUplinkOn) {
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  sysctls.add_interface("docker0", "1");
  sysctls.writes.clear();
  manager.restore();
  EXPECT_THAT(sysctls.writes, ElementsAre("net/ipv4/conf/microbr/forwarding=0"));
  EXPECT_THAT(manager.status()["restore"][1].get<std::string>(), HasSubstr("docker0 also forward"));
}

TEST_F(ForwardingTest, AValueSomeoneElseChangedIsNotRestored) {
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  sysctls.values["net/ipv4/conf/eno1/forwarding"] = "0";  // the admin took it back
  sysctls.writes.clear();
  manager.restore();
  EXPECT_THAT(sysctls.writes, ElementsAre("net/ipv4/conf/microbr/forwarding=0"));
}

TEST_F(ForwardingTest, TheGlobalSettingIsNeverWrittenBack) {
  settings.uplink.clear();
  ForwardingManager manager(sysctls, settings);
  manager.apply();
  sysctls.writes.clear();
  manager.restore();
  EXPECT_TRUE(sysctls.writes.empty());
  EXPECT_THAT(manager.status()["restore"][0].get<std::string>(), HasSubstr("every interface"));
}

TEST(SysctlName, SwapsDotsAndSlashesLikeSysctl8) {
  EXPECT_EQ(sysctl_name("net/ipv4/conf/eno1.100/forwarding"), "net.ipv4.conf.eno1/100.forwarding");
  EXPECT_EQ(sysctl_name(kGlobalForwardingKey), "net.ipv4.ip_forward");
}

TEST(ProcSysctls, RefusesKeysThatLeaveProcSys) {
  auto sysctls = make_proc_sysctls();
  EXPECT_FALSE(sysctls->read("net/ipv4/conf/../../../../etc/passwd").ok());
  EXPECT_FALSE(sysctls->read("/etc/passwd").ok());
  EXPECT_FALSE(sysctls->write("net//x", "1").ok());
  auto value = sysctls->read(kGlobalForwardingKey);
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_TRUE(*value == "0" || *value == "1") << *value;
}

}  // namespace
}  // namespace openclawd::net
