#pragma once
// `openclawd doctor`: checks the host the way an experienced admin would
// before trusting it with the guests, and says for each finding what to do.
// Run by the CLI command and, as log warnings, at daemon start.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/config/config.hpp"
#include "openclawd/doctor/finding.hpp"
#include "openclawd/doctor/probes.hpp"
#include "openclawd/net/sysctls.hpp"

namespace openclawd::doctor {

// What the checks look at: the config (absent when it did not load, then
// `config_error` says why and the host-only checks still run).
struct DoctorInput {
  std::filesystem::path config_file;
  std::optional<config::Config> config;
  std::string config_error;
  // Where libvirt's qemu driver config names its user (`user = "..."`).
  std::filesystem::path qemu_conf = "/etc/libvirt/qemu.conf";
};

// Each check on its own, in the order `run_checks` runs them.
Finding check_config(const DoctorInput& input);
Finding check_kvm(const DoctorInput& input, const HostProbes& host);
Finding check_forwarding(const DoctorInput& input, const HostProbes& host,
                         const net::Sysctls& sysctls);
Finding check_br_netfilter(const DoctorInput& input, const HostProbes& host,
                           const net::Sysctls& sysctls);
Finding check_nftables(const HostProbes& host);
Finding check_audit(const DoctorInput& input, const HostProbes& host);
Finding check_libvirt(const DoctorInput& input, const HostProbes& host);
Finding check_virtiofsd(const DoctorInput& input, const HostProbes& host);
std::vector<Finding> check_disk_space(const DoctorInput& input, const HostProbes& host);

std::vector<Finding> run_checks(const DoctorInput& input, const HostProbes& host,
                                const net::Sysctls& sysctls);

// Loads the config at `file` into a DoctorInput (an invalid config is a
// finding, not a failure).
DoctorInput doctor_input(const std::filesystem::path& file);

// The daemon's start: runs the checks on a thread of its own (detached; it
// owns what it uses) and logs each problem as a warning, so a slow probe
// (libvirt re-probing QEMU takes seconds) never holds the event loop.
void log_findings_in_background(config::Config config);

// Below this much free space a state or log filesystem is a warning.
inline constexpr std::uint64_t kMinFreeBytes = 1ull << 30;
// A second capabilities call slower than this means libvirt re-probes QEMU.
inline constexpr std::chrono::milliseconds kReprobeThreshold{1000};

}  // namespace openclawd::doctor
