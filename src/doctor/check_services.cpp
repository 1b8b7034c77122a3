// Audit, libvirtd and virtiofsd: the host services openclawd talks to.
#include <fmt/format.h>

#include "openclawd/doctor/doctor.hpp"

namespace openclawd::doctor {

Finding check_audit(const DoctorInput& input, const HostProbes& host) {
  Finding f{"audit", Severity::ok, "", "", {}};
  const bool wanted = !input.config || input.config->audit.enabled;
  auto state = host.audit();
  if (!state) {
    f.severity = wanted ? Severity::error : Severity::info;
    f.finding = fmt::format(
        "kernel audit unavailable: {}{}", state.error().message,
        wanted ? "; reads of the secrets would go unrecorded" : " (audit.enabled is false)");
    if (wanted) {
      f.fix =
          "run as root (CAP_AUDIT_CONTROL) on a kernel with audit (not audit=0 on its command "
          "line), or set audit.enabled to false";
    }
    return f;
  }
  f.details = {{"enabled", state->enabled}, {"auditd_pid", state->auditd_pid}};
  if (state->enabled == 0) {
    f.severity = Severity::info;
    f.finding =
        "kernel audit answers but is off (enabled=0); the daemon turns it on at start "
        "when audit.enable_kernel_audit is true";
    return f;
  }
  f.finding = fmt::format("kernel audit answers (enabled={}{})", state->enabled,
                          state->auditd_pid != 0 ? fmt::format(", auditd pid {}", state->auditd_pid)
                                                 : std::string(", no auditd"));
  return f;
}

Finding check_libvirt(const DoctorInput& input, const HostProbes& host) {
  const std::string uri = input.config ? input.config->hypervisor.uri : "qemu:///system";
  Finding f{"libvirt", Severity::ok, "", "", {{"uri", uri}}};
  auto timing = host.libvirt_capabilities(uri);
  if (!timing) {
    f.severity = Severity::error;
    f.finding = fmt::format("libvirtd is not reachable at {}: {}", uri, timing.error().message);
    f.fix = "start it (systemctl start virtlogd libvirtd), or correct hypervisor.uri";
    return f;
  }
  f.details["connect_ms"] = timing->connect.count();
  f.details["first_capabilities_ms"] = timing->first.count();
  f.details["second_capabilities_ms"] = timing->second.count();
  const auto summary = fmt::format("libvirtd at {} answers; capabilities took {} ms, then {} ms",
                                   uri, timing->first.count(), timing->second.count());
  if (timing->second > kReprobeThreshold) {
    f.severity = Severity::warning;
    f.finding = summary +
                ": libvirt re-probes QEMU's capabilities on every call, so each guest "
                "start takes about a minute";
    f.fix =
        "make /dev/kvm usable by libvirt's qemu user (see the kvm check: chgrp kvm /dev/kvm; "
        "chmod 0660 /dev/kvm), then restart libvirtd";
    return f;
  }
  f.finding = summary;
  return f;
}

Finding check_virtiofsd(const DoctorInput& input, const HostProbes& host) {
  Finding f{"virtiofsd", Severity::ok, "", "", {}};
  bool shares = !input.config;
  if (input.config) {
    for (const auto& vm : input.config->vms) shares = shares || !vm.shares.empty();
  }
  if (input.config && !input.config->hypervisor.virtiofsd.empty()) {
    const auto& path = input.config->hypervisor.virtiofsd;
    f.details["path"] = path.string();
    if (host.executable(path)) {
      f.finding = fmt::format("{} (hypervisor.virtiofsd)", path.string());
      return f;
    }
    f.severity = Severity::error;
    f.finding = fmt::format("hypervisor.virtiofsd {} is not an executable file", path.string());
    f.fix = "correct hypervisor.virtiofsd, or leave it out to use the packaged one";
    return f;
  }
  std::optional<std::filesystem::path> found;
  for (const char* candidate : {"/usr/lib/qemu/virtiofsd", "/usr/libexec/virtiofsd"}) {
    if (host.executable(candidate)) {
      found = candidate;
      break;
    }
  }
  if (!found) found = host.find_program("virtiofsd");
  if (found) {
    f.details["path"] = found->string();
    f.finding = found->string();
    return f;
  }
  f.severity = shares ? Severity::error : Severity::info;
  f.finding = shares ? "virtiofsd not found: the VMs' shares (the secrets directory) cannot be "
                       "mounted, so those guests cannot start"
                     : "virtiofsd not found; no VM has shares";
  if (shares) {
    f.fix =
        "apt-get install qemu-system-common (Debian 12: /usr/lib/qemu/virtiofsd) or "
        "virtiofsd, or set hypervisor.virtiofsd";
  }
  return f;
}

}  // namespace openclawd::doctor
