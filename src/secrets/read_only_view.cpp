#include "openclawd/secrets/read_only_view.hpp"

#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace openclawd::secrets {
namespace {

// /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      int value = 0;
      bool octal = true;
      for (std::size_t j = 1; j <= 3; ++j) {
        char c = field[i + j];
        if (c < '0' || c > '7') octal = false;
        value = value * 8 + (c - '0');
      }
      if (octal) {
        out.push_back(static_cast<char>(value));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

}  // namespace

Result<MountState> mount_state(const std::filesystem::path& target) {
  std::ifstream mountinfo("/proc/self/mountinfo");
  if (!mountinfo) return make_error("cannot read /proc/self/mountinfo (is /proc mounted?)");
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(target, ec);
  if (ec) canonical = target;
  MountState state;
  std::string line;
  // The last matching line is the mount on top, the one a path lookup sees.
  while (std::getline(mountinfo, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point, options;
    fields >> id >> parent >> device >> root >> mount_point >> options;
    if (unescape_mountinfo(mount_point) != canonical.string()) continue;
    state.mounted = true;
    state.read_only = options == "ro" || options.rfind("ro,", 0) == 0;
  }
  return state;
}

Status mount_read_only_view(const std::filesystem::path& source,
                            const std::filesystem::path& target) {
  std::error_code ec;
  std::filesystem::create_directories(target, ec);
  if (ec) return make_error(fmt::format("cannot create {}: {}", target.string(), ec.message()));
  auto state = mount_state(target);
  if (!state) return state.error();
  if (!state->mounted) {
    if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return make_error(
          fmt::format("cannot bind-mount {} on {}: {} (the daemon needs "
                      "CAP_SYS_ADMIN in the mount namespace of virtiofsd)",
                      source.string(), target.string(), std::strerror(errno)));
    }
  } else if (state->read_only) {
    return ok_status();
  }
  // A bind mount inherits the source's flags; read-only needs a second call.
  if (::mount(nullptr, target.c_str(), nullptr,
              MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0) {
    int error = errno;
    ::umount2(target.c_str(), MNT_DETACH);
    return make_error(fmt::format("cannot make the view {} read-only: {}", target.string(),
                                  std::strerror(error)));
  }
  return ok_status();
}

Status unmount_view(const std::filesystem::path& target) {
  // Several bind mounts may be stacked if something mounted twice; take all off.
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto state = mount_state(target);
    if (!state) return state.error();
    if (!state->mounted) return ok_status();
    if (::umount2(target.c_str(), MNT_DETACH) != 0) {
      return make_error(
          fmt::format("cannot unmount {}: {}", target.string(), std::strerror(errno)));
    }
  }
  return make_error(fmt::format("{} is still mounted after 16 unmounts", target.string()));
}

}  // namespace openclawd::secrets
