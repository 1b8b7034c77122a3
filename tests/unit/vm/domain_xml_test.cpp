// The domain XML against golden files in tests/fixtures/vm/. To regenerate
// after an intended change: OPENCLAWD_UPDATE_GOLDENS=1, then review the diff.

#include "openclawd/vm/domain_xml.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/temp_dir.hpp"
#include "test_doubles.hpp"

namespace openclawd::vm {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

void expect_golden(const std::string& name, const std::string& xml) {
  const auto golden = openclawd::testing::source_dir() / "tests/fixtures/vm" / name;
  if (std::getenv("OPENCLAWD_UPDATE_GOLDENS")) std::ofstream(golden) << xml;
  ASSERT_TRUE(std::filesystem::exists(golden)) << golden;
  EXPECT_EQ(read_file(golden), xml) << "golden file " << golden;
}

config::VmConfig vm_named(const std::string& name) {
  for (auto& vm : testing::reference_vms()) {
    if (vm.name == name) return vm;
  }
  return {};
}

DomainSpec spec_for(const std::string& name, DomainFlavour flavour) {
  DomainSpec spec;
  spec.domain_name = "openclawd-" + name;
  spec.flavour = flavour;
  spec.secrets_dir = "/run/openclawd/secrets/" + name;
  spec.serial_log = "/var/log/openclawd/" + name + "-serial.log";
  spec.virtiofsd = "/usr/lib/qemu/virtiofsd";
  spec.runtime_dir = "/run/openclawd/vm";
  return spec;
}

TEST(DomainXml, QemuFlavourMatchesGolden) {
  expect_golden("gogcli-qemu.xml",
                domain_xml(vm_named("gogcli"), spec_for("gogcli", DomainFlavour::qemu)));
}

TEST(DomainXml, KvmFlavourMatchesGolden) {
  expect_golden("openclaw-kvm.xml",
                domain_xml(vm_named("openclaw"), spec_for("openclaw", DomainFlavour::kvm)));
}

TEST(DomainXml, ChFlavourMatchesGolden) {
  expect_golden("openclaw-ch.xml",
                domain_xml(vm_named("openclaw"), spec_for("openclaw", DomainFlavour::ch)));
}

TEST(DomainXml, EscapesConfigText) {
  auto vm = vm_named("gogcli");
  vm.cmdline = "console=ttyS0 x='<a&b>'";
  auto xml = domain_xml(vm, spec_for("gogcli", DomainFlavour::qemu));
  EXPECT_NE(xml.find("console=ttyS0 x=&apos;&lt;a&amp;b&gt;&apos; openclawd.ip=192.168.83.3"),
            std::string::npos)
      << xml;
}

TEST(DomainXml, NoSharedMemoryWithoutShares) {
  auto vm = vm_named("gogcli");
  vm.shares.clear();
  vm.vsock_cid.reset();
  auto xml = domain_xml(vm, spec_for("gogcli", DomainFlavour::qemu));
  EXPECT_EQ(xml.find("memoryBacking"), std::string::npos);
  EXPECT_EQ(xml.find("filesystem"), std::string::npos);
  EXPECT_EQ(xml.find("vsock"), std::string::npos);
}

}  // namespace
}  // namespace openclawd::vm
