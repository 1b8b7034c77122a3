#include "openclawd/audit/records.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace openclawd::audit {
namespace {

constexpr std::string_view kPrefix = "audit(";

bool is_hex(std::string_view text) {
  if (text.empty() || text.size() % 2 != 0) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string hex_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    unsigned value = 0;
    std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
    out.push_back(static_cast<char>(value));
  }
  return out;
}

// Fields the kernel writes with audit_log_untrustedstring: quoted when clean,
// hex when they contain spaces, quotes or control characters.
bool is_untrusted_string_field(std::string_view name) {
  return name == "name" || name == "cwd" || name == "exe" || name == "comm" ||
         name == "proctitle" || name == "key";
}

template <typename T>
bool parse_number(std::string_view text, T& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc{} && end == text.data() + text.size();
}

std::int64_t id_or_unset(const std::optional<std::string>& text) {
  std::int64_t value = -1;
  if (!text || !parse_number(*text, value) || value == 4294967295LL) return -1;
  return value;
}

std::string rfc3339(std::int64_t seconds, int milliseconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  if (::gmtime_r(&time, &utc) == nullptr) return std::to_string(seconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     milliseconds);
}

}  // namespace

std::optional<std::string> AuditRecord::field(const std::string& name) const {
  auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return it->second;
}

Result<AuditRecord> parse_audit_record(int type, std::string_view text) {
  // Netlink payloads may carry trailing NULs or a newline.
  while (!text.empty() && (text.back() == '\0' || text.back() == '\n')) text.remove_suffix(1);
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    return make_error("audit record does not start with 'audit('");
  }
  text.remove_prefix(kPrefix.size());
  const auto close = text.find("):");
  if (close == std::string_view::npos)
    return make_error("audit record has no '):' after its stamp");
  const std::string_view stamp = text.substr(0, close);
  const auto dot = stamp.find('.');
  const auto colon = stamp.find(':');
  AuditRecord record;
  record.type = type;
  if (dot == std::string_view::npos || colon == std::string_view::npos || colon < dot ||
      !parse_number(stamp.substr(0, dot), record.seconds) ||
      !parse_number(stamp.substr(dot + 1, colon - dot - 1), record.milliseconds) ||
      !parse_number(stamp.substr(colon + 1), record.serial) || record.milliseconds < 0 ||
      record.milliseconds > 999) {
    return make_error("audit record stamp is not '<seconds>.<ms>:<serial>'");
  }
  text.remove_prefix(close + 2);

  while (!text.empty()) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (text.empty()) break;
    const auto equals = text.find('=');
    const auto space = text.find(' ');
    if (equals == std::string_view::npos || (space != std::string_view::npos && space < equals)) {
      // A word without '=' (some records end in free text): skip it.
      text.remove_prefix(space == std::string_view::npos ? text.size() : space);
      continue;
    }
    std::string name(text.substr(0, equals));
    text.remove_prefix(equals + 1);
    std::string value;
    if (!text.empty() && text.front() == '"') {
      const auto end = text.find('"', 1);
      if (end == std::string_view::npos)
        return make_error("audit record has an unterminated quote");
      value = std::string(text.substr(1, end - 1));
      text.remove_prefix(end + 1);
    } else {
      const auto end = text.find(' ');
      std::string_view raw = text.substr(0, end);
      value = is_untrusted_string_field(name) && is_hex(raw) ? hex_decode(raw) : std::string(raw);
      text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    }
    record.fields.emplace(std::move(name), std::move(value));
  }
  return record;
}

std::vector<AuditEvent> EventAssembler::add(AuditRecord record) {
  std::vector<AuditEvent> done;
  const std::uint64_t serial = record.serial;
  if (record.type == kRecordEndOfEvent) {
    auto it = pending_.find(serial);
    if (it != pending_.end()) {
      done.push_back(std::move(it->second));
      pending_.erase(it);
    }
    return done;
  }
  auto [it, inserted] = pending_.try_emplace(serial);
  if (inserted) {
    it->second.serial = serial;
    it->second.seconds = record.seconds;
    it->second.milliseconds = record.milliseconds;
  }
  it->second.records.push_back(std::move(record));
  // Bound memory: the oldest incomplete events are given up as they are.
  while (pending_.size() > max_pending_) {
    done.push_back(std::move(pending_.begin()->second));
    pending_.erase(pending_.begin());
  }
  return done;
}

std::vector<AuditEvent> EventAssembler::drain() {
  std::vector<AuditEvent> done;
  for (auto& [serial, event] : pending_) done.push_back(std::move(event));
  pending_.clear();
  return done;
}

std::optional<FileAccess> summarize_event(const AuditEvent& event, SyscallNamer syscall_name) {
  const AuditRecord* syscall = nullptr;
  const AuditRecord* cwd = nullptr;
  const AuditRecord* path = nullptr;
  for (const auto& record : event.records) {
    if (record.type == kRecordSyscall && !syscall) syscall = &record;
    if (record.type == kRecordCwd && !cwd) cwd = &record;
    if (record.type == kRecordPath) {
      // Prefer the object itself over its parent directory (nametype=PARENT).
      auto nametype = record.field("nametype");
      if (!path || (nametype && *nametype != "PARENT")) path = &record;
    }
  }
  if (!syscall) return std::nullopt;
  auto key = syscall->field("key");
  if (!key || *key == "(null)") return std::nullopt;

  FileAccess access;
  access.timestamp = rfc3339(event.seconds, event.milliseconds);
  access.serial = event.serial;
  // Several keys on one rule are joined by \x01; the first is ours.
  access.key = key->substr(0, key->find('\x01'));
  if (path) {
    access.path = path->field("name").value_or("");
    if (access.path == "(null)") access.path.clear();
    if (!access.path.empty() && access.path.front() != '/' && cwd) {
      if (auto dir = cwd->field("cwd")) access.path = *dir + "/" + access.path;
    }
  }
  const std::string number = syscall->field("syscall").value_or("");
  long value = 0;
  if (syscall_name && parse_number(number, value)) {
    access.syscall = syscall_name(syscall->field("arch").value_or(""), value);
  } else {
    access.syscall = number;
  }
  access.success = syscall->field("success").value_or("") == "yes";
  parse_number(syscall->field("pid").value_or(""), access.pid);
  access.exe = syscall->field("exe").value_or("");
  access.comm = syscall->field("comm").value_or("");
  access.uid = id_or_unset(syscall->field("uid"));
  access.auid = id_or_unset(syscall->field("auid"));
  return access;
}

}  // namespace openclawd::audit
