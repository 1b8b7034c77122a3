#pragma once
// The kernel's audit configuration through libaudit: its status, enabling it,
// and adding/removing the directory watches openclawd owns. Rules are global
// kernel state shared with auditd and the admin: only rules built here (same
// directory, permissions and key) are ever removed; nothing is flushed.

#include <cstdint>
#include <filesystem>
#include <string>

#include "openclawd/core/result.hpp"

namespace openclawd::audit {

struct KernelAuditStatus {
  std::uint32_t enabled = 0;  // 0 off, 1 on, 2 on and locked
  std::uint32_t auditd_pid = 0;
  std::uint32_t lost = 0;
  std::uint32_t backlog = 0;
};

class KernelAudit {
 public:
  // Opens the audit control socket (needs CAP_AUDIT_CONTROL).
  static Result<KernelAudit> open();
  ~KernelAudit();
  KernelAudit(KernelAudit&& other) noexcept;
  KernelAudit& operator=(KernelAudit&& other) noexcept;
  KernelAudit(const KernelAudit&) = delete;
  KernelAudit& operator=(const KernelAudit&) = delete;

  Result<KernelAuditStatus> status();
  Status set_enabled(bool enabled);

  // `-w <dir> -p rwa -k <key>`: every read, write and attribute change below
  // `dir`. Adding a rule that already exists (left by a crash) succeeds.
  Status add_directory_watch(const std::filesystem::path& dir, const std::string& key);
  // Removes exactly that rule; a rule already gone is not an error.
  Status remove_directory_watch(const std::filesystem::path& dir, const std::string& key);

 private:
  explicit KernelAudit(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace openclawd::audit
