#pragma once
// Network namespaces for tests that run the real daemon: it creates its bridge
// and programs nftables in the namespace it runs in, which must never be the
// host's.

#include <unistd.h>

#include <string>
#include <vector>

#include "common/process.hpp"

namespace openclawd::testing {

// argv run in a fresh, anonymous network namespace that dies with it: as root
// a plain one, otherwise a user namespace mapping the caller to root in it.
inline std::vector<std::string> in_private_netns(std::vector<std::string> argv) {
  std::vector<std::string> wrapped = {"unshare", "--net"};
  if (::geteuid() != 0) wrapped = {"unshare", "--user", "--map-root-user", "--net"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

// A named namespace (`ip netns add`) several processes can join, e.g. a
// libvirtd and the daemon whose taps it must open. Root only. Deleted when
// the handle goes away.
class NamedNetns {
 public:
  explicit NamedNetns(std::string name) : name_(std::move(name)) {
    run_command({"ip", "netns", "del", name_});  // a leftover of a crashed run
    created_ = run_command({"ip", "netns", "add", name_}).exit_code == 0;
    if (created_) run({"ip", "link", "set", "lo", "up"});
  }
  ~NamedNetns() {
    if (created_) run_command({"ip", "netns", "del", name_});
  }
  NamedNetns(const NamedNetns&) = delete;
  NamedNetns& operator=(const NamedNetns&) = delete;

  bool created() const { return created_; }
  const std::string& name() const { return name_; }
  // nsenter rather than `ip netns exec`: the latter also makes a private
  // mount namespace with its own /sys, which hides the daemon's mounts
  // (read-only secrets views) from libvirtd.
  std::vector<std::string> wrap(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"nsenter", "--net=/run/netns/" + name_});
    return argv;
  }
  CommandResult run(std::vector<std::string> argv,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
    return run_command(wrap(std::move(argv)), timeout);
  }

 private:
  std::string name_;
  bool created_ = false;
};

}  // namespace openclawd::testing
