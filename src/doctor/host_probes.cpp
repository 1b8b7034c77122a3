#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "probes_impl.hpp"

namespace openclawd::doctor {
namespace {

class RealHostProbes final : public HostProbes {
 public:
  std::optional<FileInfo> stat(const std::filesystem::path& path) const override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return FileInfo{st.st_uid, st.st_gid, static_cast<mode_t>(st.st_mode & 07777),
                    S_ISCHR(st.st_mode)};
  }
  bool exists(const std::filesystem::path& path) const override {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
  }
  bool executable(const std::filesystem::path& path) const override {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
  }
  bool writable(const std::filesystem::path& path) const override {
    return ::access(path.c_str(), W_OK) == 0;
  }
  Result<std::string> read_file(const std::filesystem::path& path) const override {
    std::ifstream in(path);
    if (!in) return make_error(fmt::format("cannot read {}", path.string()));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::optional<UserInfo> user(const std::string& name) const override {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwnam_r(name.c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 ||
        found == nullptr) {
      return std::nullopt;
    }
    UserInfo info{name, pw.pw_uid, {}};
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (::getgrouplist(name.c_str(), pw.pw_gid, groups.data(), &count) < 0) {
      groups.resize(static_cast<std::size_t>(count));
      ::getgrouplist(name.c_str(), pw.pw_gid, groups.data(), &count);
    }
    groups.resize(static_cast<std::size_t>(std::max(count, 0)));
    info.groups = std::move(groups);
    return info;
  }
  std::string user_name(uid_t uid) const override {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwuid_r(uid, &pw, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
      return pw.pw_name;
    }
    return std::to_string(uid);
  }
  std::string group_name(gid_t gid) const override {
    group gr{};
    group* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getgrgid_r(gid, &gr, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
      return gr.gr_name;
    }
    return std::to_string(gid);
  }
  std::optional<std::filesystem::path> find_program(const std::string& name) const override {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (dir.empty()) continue;
      const auto candidate = std::filesystem::path(dir) / name;
      if (executable(candidate)) return candidate;
    }
    return std::nullopt;
  }
  Result<SpaceInfo> free_space(const std::filesystem::path& dir) const override {
    // The directory may not exist yet (the daemon creates it): measure the
    // filesystem it will be created on.
    std::filesystem::path measured = dir;
    std::error_code ec;
    while (!std::filesystem::exists(measured, ec) && measured.has_parent_path() &&
           measured != measured.parent_path()) {
      measured = measured.parent_path();
    }
    struct statvfs fs {};
    if (::statvfs(measured.c_str(), &fs) != 0) {
      return make_error(fmt::format("statvfs {}: {}", measured.string(), std::strerror(errno)));
    }
    return SpaceInfo{measured, static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize,
                     static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize};
  }
  Status nftables() const override { return probe_nftables(); }
  Result<AuditState> audit() const override { return probe_audit(); }
  Result<CapabilitiesTiming> libvirt_capabilities(const std::string& uri) const override {
    return probe_libvirt(uri, std::chrono::seconds(60));
  }
};

}  // namespace

std::unique_ptr<HostProbes> make_host_probes() {
  return std::make_unique<RealHostProbes>();
}

}  // namespace openclawd::doctor
