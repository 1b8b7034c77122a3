#pragma once
// Kernel audit records as they arrive from the audit netlink socket, and the
// joining of the records of one event (SYSCALL, CWD, PATH..., PROCTITLE, EOE
// share a serial number) into one file access. Pure functions: the input is
// untrusted text (file names chosen by whoever opened the file) and is fuzzed.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::audit {

inline constexpr int kRecordSyscall = 1300;     // AUDIT_SYSCALL
inline constexpr int kRecordPath = 1302;        // AUDIT_PATH
inline constexpr int kRecordCwd = 1307;         // AUDIT_CWD
inline constexpr int kRecordEndOfEvent = 1320;  // AUDIT_EOE
inline constexpr int kRecordProctitle = 1327;   // AUDIT_PROCTITLE

struct AuditRecord {
  int type = 0;
  std::int64_t seconds = 0;  // event time, from "audit(<s>.<ms>:<serial>):"
  int milliseconds = 0;
  std::uint64_t serial = 0;
  // Field values as written by the kernel, with quotes removed; values the
  // kernel hex-encoded (unquoted, as for names with spaces) are decoded for
  // name, cwd, exe, comm, proctitle and key.
  std::multimap<std::string, std::string> fields;

  std::optional<std::string> field(const std::string& name) const;
};

// Parses the text of one record of `type`. Errors say what is malformed.
Result<AuditRecord> parse_audit_record(int type, std::string_view text);

// All records of one event, in arrival order.
struct AuditEvent {
  std::uint64_t serial = 0;
  std::int64_t seconds = 0;
  int milliseconds = 0;
  std::vector<AuditRecord> records;
};

// Collects records until an event is complete (its EOE record arrives).
// Bounded: at most `max_pending` incomplete events are kept; older ones are
// handed back by add() as complete so that a lost EOE costs nothing.
class EventAssembler {
 public:
  explicit EventAssembler(std::size_t max_pending = 256) : max_pending_(max_pending) {}

  // Returns the events completed by this record (usually zero or one).
  std::vector<AuditEvent> add(AuditRecord record);
  // Everything still pending (at shutdown).
  std::vector<AuditEvent> drain();
  std::size_t pending() const { return pending_.size(); }

 private:
  std::size_t max_pending_;
  std::map<std::uint64_t, AuditEvent> pending_;
};

// One access to a watched file, summarized from an event.
struct FileAccess {
  std::string timestamp;  // RFC 3339 UTC with milliseconds
  std::uint64_t serial = 0;
  std::string key;      // the rule's key, e.g. "openclawd-openclaw"
  std::string path;     // absolute when the kernel gave a cwd
  std::string syscall;  // name ("openat") or the number when unknown
  bool success = false;
  std::int64_t pid = -1;
  std::string exe;
  std::string comm;
  std::int64_t uid = -1;
  std::int64_t auid = -1;  // -1 is "unset" (4294967295 in the record)
};

// The access an event describes, if it is a syscall event with a key;
// `syscall_name` turns (arch, number) into a name (nullptr: keep numbers).
using SyscallNamer = std::string (*)(const std::string& arch, long number);
std::optional<FileAccess> summarize_event(const AuditEvent& event,
                                          SyscallNamer syscall_name = nullptr);

}  // namespace openclawd::audit
