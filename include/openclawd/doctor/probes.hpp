#pragma once
// What the doctor asks the host, behind one interface so that each check can
// be tested on a made-up good or bad host (doubles in tests/unit/doctor).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::doctor {

struct FileInfo {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;  // permission bits only
  bool char_device = false;
};

struct UserInfo {
  std::string name;
  uid_t uid = 0;
  std::vector<gid_t> groups;  // primary and supplementary
};

struct SpaceInfo {
  std::filesystem::path measured;  // the directory, or its nearest existing parent
  std::uint64_t available_bytes = 0;
  std::uint64_t total_bytes = 0;
};

struct AuditState {
  std::uint32_t enabled = 0;  // 0 off, 1 on, 2 locked
  std::uint32_t auditd_pid = 0;
};

// Two capabilities calls on one connection: the second shows whether libvirt
// re-probes QEMU on every call (it does when KVM is unusable for its user).
struct CapabilitiesTiming {
  std::chrono::milliseconds connect{0};
  std::chrono::milliseconds first{0};
  std::chrono::milliseconds second{0};
};

class HostProbes {
 public:
  virtual ~HostProbes() = default;
  virtual std::optional<FileInfo> stat(const std::filesystem::path& path) const = 0;
  virtual bool exists(const std::filesystem::path& path) const = 0;
  virtual bool executable(const std::filesystem::path& path) const = 0;
  virtual bool writable(const std::filesystem::path& path) const = 0;
  virtual Result<std::string> read_file(const std::filesystem::path& path) const = 0;
  virtual std::optional<UserInfo> user(const std::string& name) const = 0;
  virtual std::string user_name(uid_t uid) const = 0;   // the number when unknown
  virtual std::string group_name(gid_t gid) const = 0;  // likewise
  virtual std::optional<std::filesystem::path> find_program(const std::string& name) const = 0;
  virtual Result<SpaceInfo> free_space(const std::filesystem::path& dir) const = 0;
  // An nftables request over netlink in the caller's network namespace.
  virtual Status nftables() const = 0;
  virtual Result<AuditState> audit() const = 0;
  virtual Result<CapabilitiesTiming> libvirt_capabilities(const std::string& uri) const = 0;
};

std::unique_ptr<HostProbes> make_host_probes();

}  // namespace openclawd::doctor
