#include "openclawd/secrets/file_writer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace openclawd::secrets {
namespace {

constexpr std::size_t kMaxSecretBytes = 1 << 20;

std::string errno_text(int error) {
  return std::strerror(error);
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

Status write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t written = ::write(fd, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return make_error(errno_text(errno));
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return ok_status();
}

Status fsync_directory(const std::filesystem::path& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return make_error(fmt::format("open {}: {}", dir.string(), errno_text(errno)));
  if (::fsync(fd.get()) != 0) {
    return make_error(fmt::format("fsync {}: {}", dir.string(), errno_text(errno)));
  }
  return ok_status();
}

std::optional<unsigned> parse_number(const std::string& text) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Status write_file_atomically(const std::filesystem::path& path, std::string_view content,
                             mode_t mode, Ownership owner) {
  const auto dir = path.parent_path();
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  // mkstemp creates the file 0600: nobody else can read it while it fills.
  FileDescriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (fd.get() < 0) {
    return make_error(
        fmt::format("cannot create a temporary file in {}: {} (check that the "
                    "directory exists and is writable by the daemon)",
                    dir.string(), errno_text(errno)));
  }
  auto fail = [&](std::string what) -> Status {
    ::unlink(temp.c_str());
    return make_error(fmt::format("cannot write {}: {}", path.string(), what));
  };
  if (::fchown(fd.get(), owner.uid, owner.gid) != 0) {
    return fail(fmt::format("chown: {}", errno_text(errno)));
  }
  if (::fchmod(fd.get(), mode) != 0) return fail(fmt::format("chmod: {}", errno_text(errno)));
  if (auto written = write_all(fd.get(), content); !written) return fail(written.error().message);
  if (::fsync(fd.get()) != 0) return fail(fmt::format("fsync: {}", errno_text(errno)));
  if (::close(fd.release()) != 0) return fail(fmt::format("close: {}", errno_text(errno)));
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return fail(fmt::format("rename: {}", errno_text(errno)));
  }
  return fsync_directory(dir);
}

Status ensure_directory(const std::filesystem::path& dir, mode_t mode, Ownership owner) {
  std::error_code ec;
  if (dir.has_parent_path() && !std::filesystem::exists(dir.parent_path(), ec)) {
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec)
      return make_error(
          fmt::format("cannot create {}: {}", dir.parent_path().string(), ec.message()));
  }
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    return make_error(fmt::format("cannot create {}: {}", dir.string(), errno_text(errno)));
  }
  struct stat info {};
  if (::lstat(dir.c_str(), &info) != 0) {
    return make_error(fmt::format("cannot stat {}: {}", dir.string(), errno_text(errno)));
  }
  if (!S_ISDIR(info.st_mode)) {
    return make_error(
        fmt::format("{} exists and is not a directory (a symlink or file there is "
                    "refused; remove it)",
                    dir.string()));
  }
  if (::chown(dir.c_str(), owner.uid, owner.gid) != 0) {
    return make_error(fmt::format("cannot chown {}: {}", dir.string(), errno_text(errno)));
  }
  if (::chmod(dir.c_str(), mode) != 0) {
    return make_error(fmt::format("cannot chmod {}: {}", dir.string(), errno_text(errno)));
  }
  return ok_status();
}

Result<std::string> read_small_file(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0)
    return make_error(fmt::format("cannot open {}: {}", path.string(), errno_text(errno)));
  std::string content;
  char buffer[4096];
  for (;;) {
    ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return make_error(fmt::format("cannot read {}: {}", path.string(), errno_text(errno)));
    }
    if (got == 0) break;
    content.append(buffer, static_cast<std::size_t>(got));
    if (content.size() > kMaxSecretBytes) {
      return make_error(fmt::format("{} is larger than {} bytes; a secret file is expected",
                                    path.string(), kMaxSecretBytes));
    }
  }
  return content;
}

Result<Ownership> resolve_ownership(const std::string& user, const std::string& group) {
  Ownership owner;
  if (!user.empty()) {
    if (auto number = parse_number(user)) {
      owner.uid = *number;
    } else if (const passwd* entry = ::getpwnam(user.c_str())) {
      owner.uid = entry->pw_uid;
    } else {
      return make_error(
          fmt::format("secrets owner '{}' is not a user on this host (create it or "
                      "give a numeric uid)",
                      user));
    }
  }
  if (!group.empty()) {
    if (auto number = parse_number(group)) {
      owner.gid = *number;
    } else if (const struct group* entry = ::getgrnam(group.c_str())) {
      owner.gid = entry->gr_gid;
    } else {
      return make_error(
          fmt::format("secrets group '{}' is not a group on this host (create it or "
                      "give a numeric gid)",
                      group));
    }
  }
  return owner;
}

}  // namespace openclawd::secrets
