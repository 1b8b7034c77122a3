#include "openclawd/doctor/doctor.hpp"

#include <spdlog/spdlog.h>

#include <thread>

namespace openclawd::doctor {

std::vector<Finding> run_checks(const DoctorInput& input, const HostProbes& host,
                                const net::Sysctls& sysctls) {
  std::vector<Finding> findings;
  findings.push_back(check_config(input));
  findings.push_back(check_kvm(input, host));
  findings.push_back(check_forwarding(input, host, sysctls));
  findings.push_back(check_br_netfilter(input, host, sysctls));
  findings.push_back(check_nftables(host));
  findings.push_back(check_audit(input, host));
  findings.push_back(check_libvirt(input, host));
  findings.push_back(check_virtiofsd(input, host));
  for (auto& f : check_disk_space(input, host)) findings.push_back(std::move(f));
  return findings;
}

DoctorInput doctor_input(const std::filesystem::path& file) {
  DoctorInput input;
  input.config_file = file;
  auto config = config::load_config(file);
  if (config) {
    input.config = std::move(*config);
  } else {
    input.config_error = config.error().message;
  }
  return input;
}

void log_findings_in_background(config::Config config) {
  std::thread([config = std::move(config)]() mutable {
    DoctorInput input;
    input.config_file = config.file;
    input.config = std::move(config);
    const auto host = make_host_probes();
    const auto sysctls = net::make_proc_sysctls();
    int problems = 0;
    for (const auto& f : run_checks(input, *host, *sysctls)) {
      if (is_problem(f)) {
        ++problems;
        spdlog::warn("doctor: {}: {}{}{}", f.check, f.finding,
                     f.fix.empty() ? "" : "; fix: ", f.fix);
      } else if (f.severity == Severity::info) {
        spdlog::info("doctor: {}: {}", f.check, f.finding);
      }
    }
    spdlog::info("doctor: {} problem(s) found (openclawd doctor for the details)", problems);
  }).detach();
}

}  // namespace openclawd::doctor
