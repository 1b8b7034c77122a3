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

// The test topology's pieces, in namespaces made by Namespaces: a guest `ns`
// whose eth0 (address `ip`/25, default route via the bridge) is the peer of
// `tap`, enslaved to "microbr" in `host`; and the "internet" `up` at
// 192.168.83.130, reached from `host` through "uplink0" 192.168.83.129/30.
inline void wire_guest(const std::string& host, const std::string& ns, const std::string& tap,
                       const std::string& mac, const std::string& ip) {
  must(in_ns(host, "ip link add " + tap + " type veth peer name eth0 netns " + ns));
  must(in_ns(host, "ip link set " + tap + " master microbr up"));
  must(in_ns(ns, "ip link set eth0 address " + mac));
  must(in_ns(ns, "ip addr add " + ip + "/25 dev eth0"));
  must(in_ns(ns, "ip link set eth0 up"));
  must(in_ns(ns, "ip route add default via 192.168.83.1"));
}

inline void wire_uplink(const std::string& host, const std::string& up) {
  must(in_ns(host, "ip link add uplink0 type veth peer name eth0 netns " + up));
  must(in_ns(host, "ip addr add 192.168.83.129/30 dev uplink0"));
  must(in_ns(host, "ip link set uplink0 up"));
  must(in_ns(up, "ip addr add 192.168.83.130/30 dev eth0"));
  must(in_ns(up, "ip link set eth0 up"));
}

}  // namespace openclawd::net::testing
