#include "initial_netns.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace openclawd::audit {
namespace {

// pid 1's namespace is the initial one on a normal host. Where pid 1 is not
// visible (some containers), OPENCLAWD_AUDIT_NETNS names another handle to it
// (e.g. /proc/<pid>/ns/net of a process known to run there).
const char* initial_netns_path() {
  const char* configured = std::getenv("OPENCLAWD_AUDIT_NETNS");
  return configured != nullptr && *configured != '\0' ? configured : "/proc/1/ns/net";
}

bool in_initial_netns() {
  struct stat own {};
  struct stat initial {};
  if (::stat("/proc/self/ns/net", &own) != 0 || ::stat(initial_netns_path(), &initial) != 0) {
    return true;  // cannot tell (no /proc, or pid 1 not visible): stay where we are
  }
  return own.st_ino == initial.st_ino && own.st_dev == initial.st_dev;
}

}  // namespace

Result<int> open_in_initial_netns(const std::function<int()>& open_socket) {
  if (in_initial_netns()) {
    int fd = open_socket();
    if (fd < 0) return make_error(std::strerror(errno));
    return fd;
  }
  int fd = -1;
  std::string error;
  // setns changes only the calling thread's namespace; a thread of its own
  // keeps the rest of the daemon where it is.
  std::thread opener([&] {
    int ns = ::open(initial_netns_path(), O_RDONLY | O_CLOEXEC);
    if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) {
      error = fmt::format(
          "cannot enter the initial network namespace, where the kernel sends "
          "audit records: {}",
          std::strerror(errno));
      if (ns >= 0) ::close(ns);
      return;
    }
    ::close(ns);
    fd = open_socket();
    if (fd < 0) error = std::strerror(errno);
  });
  opener.join();
  if (fd < 0) return make_error(error);
  return fd;
}

}  // namespace openclawd::audit
