#pragma once
// Network namespaces for the net integration tests: create/destroy by name,
// run shell commands inside one, and move the calling thread into one (sockets
// keep the namespace they were created in).
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "common/process.hpp"

namespace openclawd::net::testing {

inline openclawd::testing::CommandResult sh(const std::string& command) {
  return openclawd::testing::run_command({"/bin/sh", "-c", command});
}

// Runs `command` and throws with its output if it fails (test setup).
inline std::string must(const std::string& command) {
  auto r = sh(command);
  if (r.exit_code != 0) throw std::runtime_error(command + " failed: " + r.err + r.out);
  return r.out;
}

inline std::string in_ns(const std::string& ns, const std::string& command) {
  return "ip netns exec " + ns + " " + command;
}

// Moves this thread into `ns` until destroyed.
class EnterNetns {
 public:
  explicit EnterNetns(const std::string& ns) {
    original_ = ::open(("/proc/" + std::to_string(::getpid()) + "/task/" +
                        std::to_string(::syscall(SYS_gettid)) + "/ns/net")
                           .c_str(),
                       O_RDONLY | O_CLOEXEC);
    const int target = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    if (original_ < 0 || target < 0 || ::setns(target, CLONE_NEWNET) != 0) {
      throw std::runtime_error("cannot enter network namespace " + ns);
    }
    ::close(target);
  }
  ~EnterNetns() {
    (void)::setns(original_, CLONE_NEWNET);
    ::close(original_);
  }
  EnterNetns(const EnterNetns&) = delete;
  EnterNetns& operator=(const EnterNetns&) = delete;

 private:
  int original_ = -1;
};

// Namespaces deleted (with everything in them) on destruction.
class Namespaces {
 public:
  std::string add(const std::string& name) {
    sh("ip netns del " + name + " 2>/dev/null");
    must("ip netns add " + name);
    names_.push_back(name);
    must(in_ns(name, "ip link set lo up"));
    return name;
  }
  ~Namespaces() {
    for (const auto& n : names_) sh("ip netns del " + n);
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace openclawd::net::testing
