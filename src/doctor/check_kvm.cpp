// /dev/kvm and libvirt's qemu user. When the user cannot open /dev/kvm but
// libvirt's probing QEMU (which keeps CAP_DAC_OVERRIDE) can, libvirt finds
// its cached capabilities stale on every call and probes QEMU again: ~4 s a
// call, about a minute per guest start, even for TCG guests.
#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "openclawd/doctor/doctor.hpp"

namespace openclawd::doctor {
namespace {

// `user = "libvirt-qemu"` in qemu.conf, if set and not commented out.
std::string configured_qemu_user(const DoctorInput& input, const HostProbes& host) {
  auto text = host.read_file(input.qemu_conf);
  if (!text) return {};
  std::istringstream lines(*text);
  std::string line;
  std::string user;
  while (std::getline(lines, line)) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, 4, "user") != 0) continue;
    const auto rest = line.find_first_not_of(" \t", start + 4);
    if (rest == std::string::npos || line[rest] != '=') continue;
    const auto open = line.find('"', rest);
    const auto close = open == std::string::npos ? open : line.find('"', open + 1);
    if (close != std::string::npos) user = line.substr(open + 1, close - open - 1);
  }
  return user;
}

std::string mode_text(mode_t mode) {
  return fmt::format("{:04o}", static_cast<unsigned>(mode & 07777));
}

}  // namespace

Finding check_kvm(const DoctorInput& input, const HostProbes& host) {
  Finding f{"kvm", Severity::ok, "", "", {{"path", "/dev/kvm"}}};
  const bool needs_kvm = !input.config || input.config->hypervisor.domain_type == "kvm";
  const auto info = host.stat("/dev/kvm");
  if (!info) {
    f.severity = needs_kvm ? Severity::error : Severity::info;
    f.finding = needs_kvm ? "/dev/kvm does not exist: guests with hypervisor.domain_type \"kvm\" "
                            "cannot start"
                          : "/dev/kvm does not exist; hypervisor.domain_type \"qemu\" (TCG) "
                            "does not need it";
    if (needs_kvm) {
      f.fix =
          "enable virtualization in the firmware and load the module (modprobe kvm_intel or "
          "kvm_amd), or set hypervisor.domain_type to \"qemu\" (much slower guests)";
    }
    return f;
  }
  if (!info->char_device) {
    f.severity = Severity::error;
    f.finding = "/dev/kvm exists but is not a character device";
    f.fix = "remove it and reload the kvm module (modprobe -r kvm_intel kvm; modprobe kvm_intel)";
    return f;
  }
  std::string user_name = configured_qemu_user(input, host);
  std::optional<UserInfo> user;
  if (!user_name.empty()) {
    user = host.user(user_name);
  } else {
    for (const char* candidate : {"libvirt-qemu", "qemu"}) {  // Debian, Fedora
      if ((user = host.user(candidate))) break;
    }
  }
  const auto owner = host.user_name(info->uid);
  const auto group = host.group_name(info->gid);
  const auto mode = mode_text(info->mode);
  f.details["owner"] = owner;
  f.details["group"] = group;
  f.details["mode"] = mode;
  const auto described = fmt::format("/dev/kvm is {}:{} {}", owner, group, mode);
  if (!user) {
    f.severity = Severity::warning;
    f.details["qemu_user"] = user_name;
    f.finding = fmt::format("{}; libvirt's qemu user ({}) does not exist here", described,
                            user_name.empty() ? "libvirt-qemu or qemu" : user_name);
    f.fix = fmt::format("install libvirt-daemon-system, or correct user = in {}",
                        input.qemu_conf.string());
    return f;
  }
  f.details["qemu_user"] = user->name;
  const bool in_group =
      std::find(user->groups.begin(), user->groups.end(), info->gid) != user->groups.end();
  const bool usable = user->uid == 0 || (user->uid == info->uid && (info->mode & 0600) == 0600) ||
                      (in_group && (info->mode & 0060) == 0060) || (info->mode & 0006) == 0006;
  if (usable) {
    f.finding = fmt::format("{}: libvirt's qemu user {} can open it", described, user->name);
    return f;
  }
  f.severity = Severity::warning;
  f.finding = fmt::format(
      "{}: libvirt's qemu user {} cannot open it, so libvirt re-probes QEMU's capabilities on "
      "every call (seconds each, about a minute per guest start, TCG guests too)",
      described, user->name);
  f.fix = fmt::format(
      "expect slow starts until fixed: chgrp kvm /dev/kvm; chmod 0660 /dev/kvm ({} must be in "
      "group kvm: usermod -aG kvm {}); a udev rule KERNEL==\"kvm\", GROUP=\"kvm\", "
      "MODE=\"0660\" keeps it across boots; then restart libvirtd",
      user->name, user->name);
  return f;
}

}  // namespace openclawd::doctor
