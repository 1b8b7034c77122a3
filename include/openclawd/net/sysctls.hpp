#pragma once
// Kernel parameters under /proc/sys, behind an interface so that the code
// deciding what to change can be tested with a double. Keys are in path form
// ("net/ipv4/conf/microbr/forwarding"): interface names may contain dots,
// which the dotted sysctl(8) form would confuse with separators.
#include <memory>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::net {

class Sysctls {
 public:
  virtual ~Sysctls() = default;
  // The value without its trailing newline.
  virtual Result<std::string> read(const std::string& key) const = 0;
  virtual Status write(const std::string& key, const std::string& value) = 0;
  // The entries of a directory key ("net/ipv4/conf": one per interface).
  virtual Result<std::vector<std::string>> list(const std::string& key) const = 0;
};

// /proc/sys as the calling thread sees it: the net/ entries are those of the
// network namespace the thread is in when it opens them.
std::unique_ptr<Sysctls> make_proc_sysctls();

// The name sysctl(8) and sysctl.conf use: "net.ipv4.conf.eno1/100.forwarding"
// for the key "net/ipv4/conf/eno1.100/forwarding".
std::string sysctl_name(const std::string& key);

// The per-interface IPv4 forwarding key of `interface`.
std::string interface_forwarding_key(const std::string& interface);
inline constexpr const char* kGlobalForwardingKey = "net/ipv4/ip_forward";

}  // namespace openclawd::net
