#include "openclawd/vm/disk_image.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "openclawd/core/log.hpp"

extern char** environ;

namespace openclawd::vm {
namespace {

Status run_mkfs(const std::filesystem::path& image) {
  const std::string path = image.string();
  std::vector<std::string> args = {"mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=1", path};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int err = posix_spawnp(&pid, "mkfs.ext4", nullptr, nullptr, argv.data(), environ)) {
    return make_error(fmt::format("cannot run mkfs.ext4 for {}: {} (install e2fsprogs)", path,
                                  std::strerror(err)));
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return make_error(fmt::format("mkfs.ext4 {} failed (status {})", path, wstatus));
  }
  return ok_status();
}

}  // namespace

Result<DiskAction> ensure_disk_image(const config::DiskConfig& disk) {
  const std::string path = disk.path.string();
  // O_EXCL: an image that exists (even one made a moment ago by someone
  // else) is never truncated or reformatted.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return DiskAction::existed;
    return make_error(
        fmt::format("cannot create disk image {}: {} (check the directory exists "
                    "and is writable)",
                    path, std::strerror(errno)));
  }
  const auto bytes = static_cast<off_t>(disk.size_mib) * 1024 * 1024;
  const bool sized = ::ftruncate(fd, bytes) == 0;
  const int size_errno = errno;
  ::close(fd);
  if (!sized) {
    ::unlink(path.c_str());
    return make_error(fmt::format("cannot size disk image {} to {} MiB: {}", path, disk.size_mib,
                                  std::strerror(size_errno)));
  }
  if (disk.format == "ext4") {
    if (auto formatted = run_mkfs(disk.path); !formatted) {
      ::unlink(path.c_str());
      return formatted.error();
    }
  }
  spdlog::info("created disk image {} ({} MiB, {})", path, disk.size_mib, disk.format);
  return DiskAction::created;
}

}  // namespace openclawd::vm
