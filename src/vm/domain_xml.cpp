#include "openclawd/vm/domain_xml.hpp"

#include <fmt/format.h>

namespace openclawd::vm {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_path(const std::filesystem::path& path) {
  return escape(path.string());
}

std::string kernel_cmdline(const config::VmConfig& vm) {
  std::string cmdline = vm.cmdline;
  if (!cmdline.empty()) cmdline += ' ';
  return cmdline + "openclawd.ip=" + vm.network.ip.to_string();
}

std::string disk_device(std::size_t index) {
  return std::string("vd") + static_cast<char>('a' + index);
}

std::filesystem::path share_source(const config::ShareConfig& share, const DomainSpec& spec) {
  return share.source == "secrets" ? spec.secrets_dir : share.resolved_source;
}

void append_os(std::string& xml, const config::VmConfig& vm, bool qemu_driver) {
  xml += qemu_driver ? "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n"
                     : "  <os>\n    <type arch='x86_64'>hvm</type>\n";
  xml += fmt::format("    <kernel>{}</kernel>\n", escape_path(vm.kernel));
  if (!vm.initrd.empty()) xml += fmt::format("    <initrd>{}</initrd>\n", escape_path(vm.initrd));
  xml += fmt::format("    <cmdline>{}</cmdline>\n  </os>\n", escape(kernel_cmdline(vm)));
}

void append_disks(std::string& xml, const config::VmConfig& vm, bool qemu_driver) {
  for (std::size_t i = 0; i < vm.disks.size(); ++i) {
    xml += "    <disk type='file' device='disk'>\n";
    if (qemu_driver) xml += "      <driver name='qemu' type='raw' cache='none' io='native'/>\n";
    xml += fmt::format("      <source file='{}'/>\n", escape_path(vm.disks[i].path));
    xml += fmt::format("      <target dev='{}' bus='virtio'/>\n    </disk>\n", disk_device(i));
  }
}

void append_interface(std::string& xml, const config::VmConfig& vm) {
  xml += "    <interface type='ethernet'>\n";
  xml += fmt::format("      <mac address='{}'/>\n", vm.network.mac.to_string());
  // The tap is made (and put on the bridge) by the network module before the
  // domain starts; libvirt must use it as it is.
  xml += fmt::format("      <target dev='{}' managed='no'/>\n", escape(vm.network.tap));
  xml += "      <model type='virtio'/>\n    </interface>\n";
}

// The qemu driver runs virtiofsd itself; read-only is enforced by the host
// (the secrets directory is a read-only bind mount) and the guest mounts it ro.
void append_qemu_shares(std::string& xml, const config::VmConfig& vm, const DomainSpec& spec) {
  for (const auto& share : vm.shares) {
    xml += "    <filesystem type='mount' accessmode='passthrough'>\n";
    xml += "      <driver type='virtiofs' queue='1024'/>\n";
    if (!spec.virtiofsd.empty()) {
      xml += fmt::format("      <binary path='{}'/>\n", escape_path(spec.virtiofsd));
    }
    xml += fmt::format("      <source dir='{}'/>\n", escape_path(share_source(share, spec)));
    xml += fmt::format("      <target dir='{}'/>\n    </filesystem>\n", escape(share.tag));
  }
}

void append_serial(std::string& xml, const DomainSpec& spec) {
  xml += "    <serial type='file'>\n";
  xml += fmt::format("      <source path='{}' append='on'/>\n", escape_path(spec.serial_log));
  xml += "      <target port='0'/>\n    </serial>\n";
}

std::string qemu_xml(const config::VmConfig& vm, const DomainSpec& spec) {
  const bool kvm = spec.flavour == DomainFlavour::kvm;
  std::string xml = fmt::format("<domain type='{}'>\n", kvm ? "kvm" : "qemu");
  xml += fmt::format("  <name>{}</name>\n", escape(spec.domain_name));
  xml += fmt::format("  <memory unit='MiB'>{}</memory>\n", vm.memory_mib);
  xml += fmt::format("  <vcpu>{}</vcpu>\n", vm.vcpu);
  if (!vm.shares.empty()) {
    // virtiofs needs guest memory the virtiofsd process can map.
    xml += "  <memoryBacking>\n    <source type='memfd'/>\n    <access mode='shared'/>\n";
    xml += "  </memoryBacking>\n";
  }
  append_os(xml, vm, true);
  xml += "  <features>\n    <acpi/>\n  </features>\n";
  xml += kvm ? "  <cpu mode='host-passthrough'/>\n"
             : "  <cpu mode='custom'>\n    <model>qemu64</model>\n  </cpu>\n";
  // Every exit ends the domain; the supervisor decides about a restart.
  xml += "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n";
  xml += "  <on_crash>destroy</on_crash>\n";
  xml += "  <devices>\n";
  append_disks(xml, vm, true);
  append_interface(xml, vm);
  append_qemu_shares(xml, vm, spec);
  append_serial(xml, spec);
  if (vm.vsock_cid) {
    xml += "    <vsock model='virtio'>\n";
    xml += fmt::format("      <cid auto='no' address='{}'/>\n    </vsock>\n", *vm.vsock_cid);
  }
  xml += "    <memballoon model='none'/>\n  </devices>\n</domain>\n";
  return xml;
}

// libvirt's ch driver: no machine type, no vsock or balloon devices; virtiofs
// shares talk to a virtiofsd the caller runs, through a socket per share.
std::string ch_xml(const config::VmConfig& vm, const DomainSpec& spec) {
  std::string xml = "<domain type='kvm'>\n";
  xml += fmt::format("  <name>{}</name>\n", escape(spec.domain_name));
  xml += fmt::format("  <memory unit='MiB'>{}</memory>\n", vm.memory_mib);
  xml += fmt::format("  <vcpu>{}</vcpu>\n", vm.vcpu);
  if (!vm.shares.empty()) {
    xml += "  <memoryBacking>\n    <access mode='shared'/>\n  </memoryBacking>\n";
  }
  append_os(xml, vm, false);
  xml += "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n";
  xml += "  <on_crash>destroy</on_crash>\n";
  xml += "  <devices>\n";
  append_disks(xml, vm, false);
  append_interface(xml, vm);
  for (const auto& share : vm.shares) {
    xml += "    <filesystem type='mount' accessmode='passthrough'>\n";
    xml += "      <driver type='virtiofs' queue='1024'/>\n";
    const auto socket = spec.runtime_dir / (spec.domain_name + "." + share.tag + ".sock");
    xml += fmt::format("      <source socket='{}'/>\n", escape_path(socket));
    xml += fmt::format("      <target dir='{}'/>\n    </filesystem>\n", escape(share.tag));
  }
  append_serial(xml, spec);
  xml += "  </devices>\n</domain>\n";
  return xml;
}

}  // namespace

std::string domain_xml(const config::VmConfig& vm, const DomainSpec& spec) {
  return spec.flavour == DomainFlavour::ch ? ch_xml(vm, spec) : qemu_xml(vm, spec);
}

}  // namespace openclawd::vm
