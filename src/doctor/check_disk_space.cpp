#include <fmt/format.h>

#include "openclawd/doctor/doctor.hpp"

namespace openclawd::doctor {
namespace {

std::string bytes_text(std::uint64_t bytes) {
  constexpr double kGiB = 1024.0 * 1024 * 1024;
  if (bytes >= (1ull << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / kGiB);
  return fmt::format("{} MiB", bytes >> 20);
}

Finding space_of(const std::string& key, const std::filesystem::path& dir, const HostProbes& host) {
  Finding f{"disk_space", Severity::ok, "", "", {{"key", key}, {"dir", dir.string()}}};
  auto space = host.free_space(dir);
  if (!space) {
    f.severity = Severity::warning;
    f.finding = fmt::format("{} {}: cannot measure free space: {}", key, dir.string(),
                            space.error().message);
    return f;
  }
  f.details["measured"] = space->measured.string();
  f.details["available_bytes"] = space->available_bytes;
  f.details["total_bytes"] = space->total_bytes;
  const auto percent =
      space->total_bytes == 0 ? 0.0 : 100.0 * space->available_bytes / space->total_bytes;
  f.finding = fmt::format(
      "{} {}: {} free of {} ({:.0f}%){}", key, dir.string(), bytes_text(space->available_bytes),
      bytes_text(space->total_bytes), percent,
      space->measured == dir ? std::string()
                             : fmt::format(" on the filesystem of {}", space->measured.string()));
  if (space->available_bytes < kMinFreeBytes) {
    f.severity = Severity::warning;
    f.fix = fmt::format(
        "free space there or point {} at a larger filesystem: below {} disk images cannot grow "
        "and log lines are lost",
        key, bytes_text(kMinFreeBytes));
  }
  return f;
}

}  // namespace

std::vector<Finding> check_disk_space(const DoctorInput& input, const HostProbes& host) {
  const std::filesystem::path state =
      input.config ? input.config->state_dir : std::filesystem::path("/var/lib/openclawd");
  const std::filesystem::path log =
      input.config ? input.config->log_dir : std::filesystem::path("/var/log/openclawd");
  return {space_of("state_dir", state, host), space_of("log_dir", log, host)};
}

}  // namespace openclawd::doctor
