#pragma once
// The libvirt domain XML of one guest: a pure function of its config, so it is
// tested against golden files (tests/fixtures/vm/).

#include <filesystem>
#include <string>

#include "openclawd/config/vm.hpp"

namespace openclawd::vm {

enum class DomainFlavour {
  kvm,   // qemu driver, hardware virtualisation
  qemu,  // qemu driver, TCG emulation where /dev/kvm is absent
  ch,    // libvirt's Cloud Hypervisor driver (ch:///system)
};

struct DomainSpec {
  std::string domain_name;  // prefix + VM name
  DomainFlavour flavour = DomainFlavour::kvm;
  std::filesystem::path secrets_dir;  // source of the "secrets" share
  std::filesystem::path serial_log;   // absolute
  // virtiofsd binary for the qemu flavours; empty lets libvirt find it.
  std::filesystem::path virtiofsd;
  // ch flavour: the directory of the virtiofsd sockets (<domain>.<tag>.sock),
  // since the ch driver does not run virtiofsd itself.
  std::filesystem::path runtime_dir;
};

// `vm.cmdline` gets `openclawd.ip=<ip>` appended so the guest can set eth0.
std::string domain_xml(const config::VmConfig& vm, const DomainSpec& spec);

}  // namespace openclawd::vm
