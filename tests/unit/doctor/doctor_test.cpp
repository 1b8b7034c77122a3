// Each doctor check on a made-up good host and on bad ones: the severity, the
// finding and the fix an admin would need.
#include "openclawd/doctor/doctor.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/fake_sysctls.hpp"
#include "fake_host.hpp"

namespace openclawd::doctor {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr gid_t kKvmGroup = 104;
constexpr uid_t kQemuUid = 64055;

class DoctorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config::Config config;
    config.file = "/etc/openclawd/openclawd.json";
    config.state_dir = "/var/lib/openclawd";
    config.log_dir = "/var/log/openclawd";
    config.network.bridge = "microbr";
    config.network.address = *config::Ipv4Interface::parse("192.168.83.1/24");
    config.network.uplink = "eno1";
    config.network.nat = true;
    config::VmConfig vm;
    vm.name = "openclaw";
    vm.network.tap = "microvm-oc";
    vm.shares.push_back({"secrets", "secrets", {}, true});
    config.vms.push_back(vm);
    input.config_file = config.file;
    input.config = config;

    // A good host: udev's /dev/kvm, Debian's libvirt-qemu in group kvm, the
    // daemon's bridge and the uplink forwarding, space to spare.
    host.files["/dev/kvm"] = FileInfo{0, kKvmGroup, 0660, true};
    host.users["libvirt-qemu"] = UserInfo{"libvirt-qemu", kQemuUid, {kQemuUid, kKvmGroup}};
    host.executables.insert("/usr/lib/qemu/virtiofsd");
    host.space["/var/lib/openclawd"] = SpaceInfo{"/var/lib/openclawd", 20ull << 30, 100ull << 30};
    host.space["/var/log/openclawd"] = SpaceInfo{"/var/log", 5ull << 30, 10ull << 30};
    sysctls.values[net::kGlobalForwardingKey] = "0";
    sysctls.add_interface("default", "0");
    sysctls.add_interface("microbr", "1");
    sysctls.add_interface("eno1", "1");
  }
  Finding only(const std::vector<Finding>& findings, const std::string& check) {
    for (const auto& f : findings) {
      if (f.check == check) return f;
    }
    ADD_FAILURE() << "no finding for " << check;
    return {};
  }

  DoctorInput input;
  testing::FakeHost host;
  net::testing::FakeSysctls sysctls;
};

TEST_F(DoctorTest, AGoodHostHasNoProblem) {
  const auto findings = run_checks(input, host, sysctls);
  for (const auto& f : findings) {
    EXPECT_FALSE(is_problem(f)) << f.check << ": " << f.finding;
  }
  const auto json = to_json(findings);
  EXPECT_EQ(json["ok"], true);
  EXPECT_EQ(json["problems"], 0);
  EXPECT_EQ(json["checks"].size(), 10u);
  EXPECT_THAT(render_text(findings), HasSubstr("no problems found (10 checks)"));
}

TEST_F(DoctorTest, KvmUsableThroughItsGroup) {
  const auto f = check_kvm(input, host);
  EXPECT_EQ(f.severity, Severity::ok);
  EXPECT_THAT(f.finding, HasSubstr("/dev/kvm is root:kvm 0660"));
  EXPECT_THAT(f.finding, HasSubstr("libvirt-qemu can open it"));
}

TEST_F(DoctorTest, RootOnlyKvmMeansSlowStartsAndSaysHowToFixIt) {
  host.files["/dev/kvm"] = FileInfo{0, 0, 0600, true};
  const auto f = check_kvm(input, host);
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_THAT(f.finding, HasSubstr("/dev/kvm is root:root 0600"));
  EXPECT_THAT(f.finding, HasSubstr("re-probes QEMU's capabilities"));
  EXPECT_THAT(f.fix, HasSubstr("expect slow starts"));
  EXPECT_THAT(f.fix, HasSubstr("chgrp kvm /dev/kvm; chmod 0660"));
  EXPECT_EQ(f.details["mode"], "0600");
}

TEST_F(DoctorTest, KvmUserFromQemuConf) {
  host.contents["/etc/libvirt/qemu.conf"] = "# user = \"nobody\"\nuser = \"kvmrunner\"\n";
  host.users["kvmrunner"] = UserInfo{"kvmrunner", 900, {900}};
  const auto f = check_kvm(input, host);
  EXPECT_EQ(f.severity, Severity::warning) << "kvmrunner is not in group kvm";
  EXPECT_EQ(f.details["qemu_user"], "kvmrunner");
}

TEST_F(DoctorTest, MissingKvmIsAnErrorOnlyForKvmGuests) {
  host.files.erase("/dev/kvm");
  EXPECT_EQ(check_kvm(input, host).severity, Severity::error);
  input.config->hypervisor.domain_type = "qemu";
  EXPECT_EQ(check_kvm(input, host).severity, Severity::info);
}

TEST_F(DoctorTest, ForwardingOnIsOk) {
  const auto f = check_forwarding(input, host, sysctls);
  EXPECT_EQ(f.severity, Severity::ok);
  EXPECT_THAT(f.finding, HasSubstr("on: net.ipv4.conf.microbr.forwarding"));
}

TEST_F(DoctorTest, ForwardingOffIsFineWhenTheDaemonManagesIt) {
  sysctls.add_interface("eno1", "0");
  sysctls.values.erase(net::interface_forwarding_key("microbr"));  // daemon not started yet
  const auto f = check_forwarding(input, host, sysctls);
  EXPECT_EQ(f.severity, Severity::ok) << f.finding;
  EXPECT_THAT(f.finding, HasSubstr("the daemon turns it on at start"));
  EXPECT_THAT(f.finding, HasSubstr("net.ipv4.conf.default.forwarding"));
}

TEST_F(DoctorTest, ForwardingOffAndUnmanagedNamesTheSysctlToSet) {
  input.config->network.manage_forwarding = false;
  sysctls.add_interface("eno1", "0");
  const auto f = check_forwarding(input, host, sysctls);
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_THAT(f.finding, HasSubstr("network.manage_forwarding is false"));
  EXPECT_THAT(f.fix, HasSubstr("sysctl -w net.ipv4.conf.eno1.forwarding=1"));
  EXPECT_THAT(f.fix, Not(HasSubstr("microbr")));
}

TEST_F(DoctorTest, ForwardingOffOnAReadOnlyProcIsAProblemEvenWhenManaged) {
  sysctls.add_interface("eno1", "0");
  host.read_only.insert("/proc/sys/net/ipv4/conf/eno1/forwarding");
  const auto f = check_forwarding(input, host, sysctls);
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_THAT(f.finding, HasSubstr("not writable"));
}

TEST_F(DoctorTest, AMissingUplinkIsNamed) {
  sysctls.values.erase(net::interface_forwarding_key("eno1"));
  const auto f = check_forwarding(input, host, sysctls);
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_THAT(f.finding, HasSubstr("network.uplink \"eno1\" does not exist"));
  EXPECT_THAT(f.fix, HasSubstr("ip route show default"));
}

TEST_F(DoctorTest, NoNatNoUplinkNeedsNoForwarding) {
  input.config->network.nat = false;
  input.config->network.uplink.clear();
  EXPECT_THAT(check_forwarding(input, host, sysctls).finding, HasSubstr("not needed"));
}

TEST_F(DoctorTest, BrNetfilterLoadedSaysWhatItMeansForTheRules) {
  EXPECT_EQ(check_br_netfilter(input, host, sysctls).severity, Severity::ok);
  host.existing.insert("/sys/module/br_netfilter");
  sysctls.values["net/bridge/bridge-nf-call-iptables"] = "1";
  const auto f = check_br_netfilter(input, host, sysctls);
  EXPECT_EQ(f.severity, Severity::info);
  EXPECT_FALSE(is_problem(f));
  EXPECT_THAT(f.finding, HasSubstr("also cross the inet"));
  EXPECT_THAT(f.fix, HasSubstr("bridge-nf-call-iptables=0"));
  sysctls.values["net/bridge/bridge-nf-call-iptables"] = "0";
  EXPECT_THAT(check_br_netfilter(input, host, sysctls).finding, HasSubstr("skip the inet hooks"));
}

TEST_F(DoctorTest, NftablesUnusable) {
  EXPECT_EQ(check_nftables(host).severity, Severity::ok);
  host.nftables_error = "cannot open nfnetlink: Operation not permitted";
  const auto f = check_nftables(host);
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_THAT(f.finding, HasSubstr("Operation not permitted"));
  EXPECT_THAT(f.fix, HasSubstr("CAP_NET_ADMIN"));
}

TEST_F(DoctorTest, AuditUnavailableMattersOnlyWhenEnabled) {
  EXPECT_THAT(check_audit(input, host).finding, HasSubstr("auditd pid 321"));
  host.audit_state = make_error("cannot open the kernel audit socket: Protocol not supported");
  EXPECT_EQ(check_audit(input, host).severity, Severity::error);
  input.config->audit.enabled = false;
  EXPECT_EQ(check_audit(input, host).severity, Severity::info);
}

TEST_F(DoctorTest, SlowSecondCapabilitiesCallMeansReprobing) {
  const auto fast = check_libvirt(input, host);
  EXPECT_EQ(fast.severity, Severity::ok);
  EXPECT_THAT(fast.finding, HasSubstr("capabilities took 40 ms, then 3 ms"));
  EXPECT_EQ(host.libvirt_uris.back(), "qemu:///system");
  host.libvirt = CapabilitiesTiming{std::chrono::milliseconds(5), std::chrono::milliseconds(4100),
                                    std::chrono::milliseconds(3900)};
  const auto slow = check_libvirt(input, host);
  EXPECT_EQ(slow.severity, Severity::warning);
  EXPECT_THAT(slow.finding, HasSubstr("re-probes"));
  EXPECT_EQ(slow.details["second_capabilities_ms"], 3900);
  EXPECT_THAT(slow.fix, HasSubstr("/dev/kvm"));
}

TEST_F(DoctorTest, UnreachableLibvirtd) {
  host.libvirt = make_error("Failed to connect socket to '/run/libvirt/libvirt-sock'");
  const auto f = check_libvirt(input, host);
  EXPECT_EQ(f.severity, Severity::error);
  EXPECT_THAT(f.fix, HasSubstr("systemctl start virtlogd libvirtd"));
}

TEST_F(DoctorTest, VirtiofsdMissingIsAnErrorWhenVmsHaveShares) {
  EXPECT_THAT(check_virtiofsd(input, host).finding, HasSubstr("/usr/lib/qemu/virtiofsd"));
  host.executables.clear();
  EXPECT_EQ(check_virtiofsd(input, host).severity, Severity::error);
  input.config->vms[0].shares.clear();
  EXPECT_EQ(check_virtiofsd(input, host).severity, Severity::info);
  input.config->hypervisor.virtiofsd = "/opt/bad/virtiofsd";
  EXPECT_THAT(check_virtiofsd(input, host).finding, HasSubstr("not an executable"));
}

TEST_F(DoctorTest, LowDiskSpaceIsAWarningNamingTheKey) {
  host.space["/var/log/openclawd"] = SpaceInfo{"/var/log", 100ull << 20, 10ull << 30};
  const auto findings = check_disk_space(input, host);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].severity, Severity::ok);
  EXPECT_THAT(findings[0].finding, HasSubstr("20.0 GiB free of 100.0 GiB (20%)"));
  EXPECT_EQ(findings[1].severity, Severity::warning);
  EXPECT_THAT(findings[1].finding, HasSubstr("log_dir /var/log/openclawd: 100 MiB free"));
  EXPECT_THAT(findings[1].finding, HasSubstr("on the filesystem of /var/log"));
  EXPECT_THAT(findings[1].fix, HasSubstr("log_dir"));
}

TEST_F(DoctorTest, AnInvalidConfigIsAnErrorAndTheHostChecksStillRun) {
  input.config.reset();
  input.config_error = "/etc/openclawd/openclawd.json: /network/address: required key is missing";
  const auto findings = run_checks(input, host, sysctls);
  const auto config = only(findings, "config");
  EXPECT_EQ(config.severity, Severity::error);
  EXPECT_THAT(config.finding, HasSubstr("/network/address"));
  EXPECT_THAT(config.fix, HasSubstr("openclawd check-config"));
  EXPECT_EQ(only(findings, "kvm").severity, Severity::ok);
  EXPECT_EQ(only(findings, "forwarding").severity, Severity::info);
  EXPECT_EQ(to_json(findings)["ok"], false);
  EXPECT_THAT(render_text(findings), HasSubstr("1 problem found"));
}

TEST_F(DoctorTest, TextOutputShowsEachFixUnderItsFinding) {
  host.files["/dev/kvm"] = FileInfo{0, 0, 0600, true};
  const auto text = render_text({check_kvm(input, host)});
  EXPECT_THAT(text, HasSubstr("warning  kvm           /dev/kvm is root:root 0600"));
  EXPECT_THAT(text, HasSubstr("\n                       fix: expect slow starts"));
  EXPECT_THAT(text, Not(IsEmpty()));
}

}  // namespace
}  // namespace openclawd::doctor
