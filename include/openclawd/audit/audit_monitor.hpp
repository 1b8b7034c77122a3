#pragma once
// Watches the secrets directories with kernel audit and writes one JSON line per
// access: ts, vm, key, path, syscall, success, pid, exe, comm, uid, auid, own
// (true for the daemon's own reads and writes). Events come from the audit
// netlink multicast group, so auditd (if any) keeps receiving everything.

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/audit/kernel_audit.hpp"
#include "openclawd/audit/records.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::audit {

struct WatchedDirectory {
  std::string vm;
  std::filesystem::path directory;
};

struct AuditSettings {
  std::vector<WatchedDirectory> watches;
  std::filesystem::path log_file;  // JSON lines, appended; empty: no file
  // Turn kernel audit on when it is off (and back off at stop).
  bool enable_kernel_audit = true;
  // Rule keys are <key_prefix><vm>; tests use a unique prefix.
  std::string key_prefix = "openclawd-";
  pid_t own_pid = 0;  // 0: this process
};

struct AuditCounters {
  std::uint64_t records = 0;    // netlink records received
  std::uint64_t malformed = 0;  // records that did not parse
  std::uint64_t accesses = 0;   // file accesses under a watched directory
  std::uint64_t own = 0;        // ... of which by the daemon itself
  std::map<std::string, std::uint64_t> by_vm;
};

class AuditMonitor {
 public:
  using Listener = std::function<void(const nlohmann::json&)>;

  AuditMonitor(boost::asio::io_context& io, AuditSettings settings);
  ~AuditMonitor();
  AuditMonitor(const AuditMonitor&) = delete;
  AuditMonitor& operator=(const AuditMonitor&) = delete;

  // Checks the kernel's audit state, enables it if allowed, subscribes to the
  // multicast group, then adds the watches. On error everything done is undone.
  Status start();
  // Removes the watches, restores the audit state, stops reading. Idempotent.
  void stop();

  // Called for every access line (besides the log file); for tests and status.
  void set_listener(Listener listener) { listener_ = std::move(listener); }
  const AuditCounters& counters() const { return counters_; }
  nlohmann::json status() const;

  // The JSON line for one access (pure; exposed for tests).
  static nlohmann::json to_json(const FileAccess& access, const std::string& vm, bool own);

 private:
  void read_next();
  void handle_datagram(const char* data, std::size_t size);
  void handle_event(const AuditEvent& event);

  boost::asio::io_context& io_;
  AuditSettings settings_;
  std::optional<KernelAudit> kernel_;
  std::unique_ptr<boost::asio::posix::stream_descriptor> socket_;
  std::vector<WatchedDirectory> active_watches_;
  bool enabled_by_us_ = false;
  EventAssembler assembler_;
  std::map<std::string, std::string> vm_by_key_;
  std::ofstream log_;
  Listener listener_;
  AuditCounters counters_;
  std::vector<char> buffer_;
};

}  // namespace openclawd::audit
