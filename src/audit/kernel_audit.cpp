#include "openclawd/audit/kernel_audit.hpp"

#include <fmt/format.h>
#include <libaudit.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "initial_netns.hpp"

namespace openclawd::audit {
namespace {

struct RuleDeleter {
  void operator()(audit_rule_data* rule) const { audit_rule_free_data(rule); }
};
using RulePointer = std::unique_ptr<audit_rule_data, RuleDeleter>;

Result<RulePointer> build_watch_rule(const std::filesystem::path& dir, const std::string& key) {
  audit_rule_data* raw = audit_rule_create_data();
  if (raw == nullptr) return make_error("out of memory building an audit rule");
  // audit_add_watch_dir may reallocate the rule; keep ownership in `raw` until done.
  if (int rc = audit_add_watch_dir(AUDIT_DIR, &raw, dir.c_str()); rc != 0) {
    audit_rule_free_data(raw);
    return make_error(
        fmt::format("cannot build an audit watch for {} (code {})", dir.string(), rc));
  }
  RulePointer rule(raw);
  if (audit_update_watch_perms(rule.get(), AUDIT_PERM_READ | AUDIT_PERM_WRITE | AUDIT_PERM_ATTR) !=
      0) {
    return make_error(fmt::format("cannot set rwa on the audit watch for {}", dir.string()));
  }
  raw = rule.release();
  const std::string pair = "key=" + key;
  int rc = audit_rule_fieldpair_data(&raw, pair.c_str(), AUDIT_FILTER_EXIT);
  rule.reset(raw);
  if (rc != 0) {
    return make_error(fmt::format("cannot set key '{}' on the audit watch for {} (code {})", key,
                                  dir.string(), rc));
  }
  return rule;
}

}  // namespace

Result<KernelAudit> KernelAudit::open() {
  set_aumessage_mode(MSG_QUIET, DBG_NO);  // errors come back to us as values
  auto fd = open_in_initial_netns([] { return audit_open(); });
  if (!fd) {
    return make_error(
        fmt::format("cannot open the kernel audit socket: {} (openclawd needs "
                    "CAP_AUDIT_CONTROL and a kernel with audit support, or set "
                    "/audit/enabled to false)",
                    fd.error().message));
  }
  return KernelAudit(*fd);
}

KernelAudit::~KernelAudit() {
  if (fd_ >= 0) audit_close(fd_);
}

KernelAudit::KernelAudit(KernelAudit&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

KernelAudit& KernelAudit::operator=(KernelAudit&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) audit_close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Result<KernelAuditStatus> KernelAudit::status() {
  if (audit_request_status(fd_) <= 0) {
    return make_error(
        fmt::format("cannot ask the kernel for its audit status: {}", std::strerror(errno)));
  }
  // Replies may be preceded by acks; the status reply is AUDIT_GET.
  for (int attempt = 0; attempt < 16; ++attempt) {
    audit_reply reply{};
    int rc = audit_get_reply(fd_, &reply, GET_REPLY_BLOCKING, 0);
    if (rc <= 0) break;
    if (reply.type == AUDIT_GET && reply.status != nullptr) {
      KernelAuditStatus status;
      status.enabled = reply.status->enabled;
      status.auditd_pid = reply.status->pid;
      status.lost = reply.status->lost;
      status.backlog = reply.status->backlog;
      return status;
    }
  }
  return make_error("the kernel did not answer the audit status request");
}

Status KernelAudit::set_enabled(bool enabled) {
  if (audit_set_enabled(fd_, enabled ? 1 : 0) <= 0) {
    return make_error(
        fmt::format("cannot {} kernel audit: {} (is the audit configuration locked, "
                    "`auditctl -s` enabled 2?)",
                    enabled ? "enable" : "disable", std::strerror(errno)));
  }
  return ok_status();
}

Status KernelAudit::add_directory_watch(const std::filesystem::path& dir, const std::string& key) {
  auto rule = build_watch_rule(dir, key);
  if (!rule) return rule.error();
  int rc = audit_add_rule_data(fd_, rule->get(), AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
  if (rc <= 0 && rc != -EEXIST) {
    return make_error(fmt::format("cannot add the audit watch on {} (key {}): {}", dir.string(),
                                  key, std::strerror(-rc)));
  }
  return ok_status();
}

Status KernelAudit::remove_directory_watch(const std::filesystem::path& dir,
                                           const std::string& key) {
  auto rule = build_watch_rule(dir, key);
  if (!rule) return rule.error();
  int rc = audit_delete_rule_data(fd_, rule->get(), AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
  if (rc <= 0 && rc != -ENOENT) {
    return make_error(fmt::format("cannot remove the audit watch on {} (key {}): {}", dir.string(),
                                  key, std::strerror(-rc)));
  }
  return ok_status();
}

}  // namespace openclawd::audit
