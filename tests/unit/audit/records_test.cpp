#include "openclawd/audit/records.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "openclawd/audit/audit_monitor.hpp"

namespace openclawd::audit {
namespace {

constexpr const char* kSyscall =
    "audit(1732812345.678:1234): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c "
    "a1=7ffd5c2e0a1f a2=0 a3=0 items=1 ppid=100 pid=4242 auid=1000 uid=0 gid=0 euid=0 suid=0 "
    "fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"cat\" exe=\"/usr/bin/cat\" "
    "subj=unconfined key=\"openclawd-openclaw\"";
constexpr const char* kCwd = "audit(1732812345.678:1234): cwd=\"/var/lib/openclawd\"";
constexpr const char* kParent =
    "audit(1732812345.678:1234): item=0 name=\"secrets/openclaw/\" inode=11 dev=08:01 "
    "mode=040750 ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0";
constexpr const char* kProctitle = "audit(1732812345.678:1234): proctitle=636174006761746577617900";
constexpr const char* kEnd = "audit(1732812345.678:1234): ";

AuditRecord parse(int type, const char* text) {
  auto record = parse_audit_record(type, text);
  EXPECT_TRUE(record.ok()) << text;
  return record.ok() ? *record : AuditRecord{};
}

std::string hex(const std::string& text) {
  std::string out;
  for (unsigned char c : text) out += fmt::format("{:02X}", c);
  return out;
}

TEST(AuditRecord, ParsesStampAndFields) {
  auto record = parse(kRecordSyscall, kSyscall);
  EXPECT_EQ(record.seconds, 1732812345);
  EXPECT_EQ(record.milliseconds, 678);
  EXPECT_EQ(record.serial, 1234u);
  EXPECT_EQ(record.field("syscall"), "257");
  EXPECT_EQ(record.field("comm"), "cat");
  EXPECT_EQ(record.field("exe"), "/usr/bin/cat");
  EXPECT_EQ(record.field("key"), "openclawd-openclaw");
  EXPECT_EQ(record.field("a1"), "7ffd5c2e0a1f");  // hex numbers stay as they are
  EXPECT_FALSE(record.field("missing").has_value());
}

TEST(AuditRecord, DecodesHexEncodedNames) {
  const std::string name = "/tmp/a \"quoted\" name";
  auto record =
      parse(kRecordPath, ("audit(1.001:2): item=0 name=" + hex(name) + " nametype=NORMAL").c_str());
  EXPECT_EQ(record.field("name"), name);
}

TEST(AuditRecord, TrailingNulsAndNewlinesAreIgnored) {
  std::string text = std::string(kCwd) + "\n" + std::string(3, '\0');
  auto record = parse_audit_record(kRecordCwd, text);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->field("cwd"), "/var/lib/openclawd");
}

TEST(AuditRecord, RejectsMalformedRecords) {
  EXPECT_FALSE(parse_audit_record(kRecordSyscall, "").ok());
  EXPECT_FALSE(parse_audit_record(kRecordSyscall, "type=SYSCALL msg=audit(1.2:3): a=b").ok());
  EXPECT_FALSE(parse_audit_record(kRecordSyscall, "audit(1.2:3 a=b").ok());
  EXPECT_FALSE(parse_audit_record(kRecordSyscall, "audit(x.2:3): a=b").ok());
  EXPECT_FALSE(parse_audit_record(kRecordSyscall, "audit(1.2000:3): a=b").ok());
  EXPECT_FALSE(parse_audit_record(kRecordSyscall, "audit(1.2:3): name=\"unterminated").ok());
}

TEST(EventAssembler, JoinsTheRecordsOfOneEventAtEndOfEvent) {
  EventAssembler assembler;
  EXPECT_TRUE(assembler.add(parse(kRecordSyscall, kSyscall)).empty());
  EXPECT_TRUE(assembler.add(parse(kRecordCwd, kCwd)).empty());
  // A record of another event in between does not mix in.
  EXPECT_TRUE(assembler.add(parse(kRecordCwd, "audit(1732812345.679:1235): cwd=\"/\"")).empty());
  EXPECT_TRUE(assembler.add(parse(kRecordPath, kParent)).empty());
  // The space makes the kernel hex-encode the name.
  const std::string path =
      "audit(1732812345.678:1234): item=1 name=" + hex("secrets/openclaw/gateway token") +
      " inode=12 dev=08:01 mode=0100440 ouid=0 ogid=0 nametype=NORMAL";
  EXPECT_TRUE(assembler.add(parse(kRecordPath, path.c_str())).empty());
  EXPECT_TRUE(assembler.add(parse(kRecordProctitle, kProctitle)).empty());
  auto done = assembler.add(parse(kRecordEndOfEvent, kEnd));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].serial, 1234u);
  EXPECT_EQ(done[0].records.size(), 5u);
  EXPECT_EQ(assembler.pending(), 1u);  // serial 1235 still waits

  auto access = summarize_event(done[0]);
  ASSERT_TRUE(access.has_value());
  EXPECT_EQ(access->timestamp, "2024-11-28T16:45:45.678Z");
  EXPECT_EQ(access->key, "openclawd-openclaw");
  EXPECT_EQ(access->path, "/var/lib/openclawd/secrets/openclaw/gateway token");
  EXPECT_EQ(access->syscall, "257");
  EXPECT_TRUE(access->success);
  EXPECT_EQ(access->pid, 4242);
  EXPECT_EQ(access->exe, "/usr/bin/cat");
  EXPECT_EQ(access->uid, 0);
  EXPECT_EQ(access->auid, 1000);
}

TEST(EventAssembler, BoundsPendingEvents) {
  EventAssembler assembler(2);
  EXPECT_TRUE(assembler.add(parse(kRecordCwd, "audit(1.000:1): cwd=\"/\"")).empty());
  EXPECT_TRUE(assembler.add(parse(kRecordCwd, "audit(1.000:2): cwd=\"/\"")).empty());
  auto evicted = assembler.add(parse(kRecordCwd, "audit(1.000:3): cwd=\"/\""));
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0].serial, 1u);
  EXPECT_EQ(assembler.pending(), 2u);
  EXPECT_EQ(assembler.drain().size(), 2u);
  EXPECT_EQ(assembler.pending(), 0u);
}

TEST(SummarizeEvent, NeedsASyscallRecordWithAKey) {
  AuditEvent no_syscall;
  no_syscall.records.push_back(parse(kRecordCwd, kCwd));
  EXPECT_FALSE(summarize_event(no_syscall).has_value());
  AuditEvent no_key;
  no_key.records.push_back(
      parse(kRecordSyscall, "audit(1.000:9): arch=c000003e syscall=2 success=no pid=1 key=(null)"));
  EXPECT_FALSE(summarize_event(no_key).has_value());
}

TEST(SummarizeEvent, UnsetAuidAndFailedCalls) {
  AuditEvent event;
  event.records.push_back(parse(kRecordSyscall,
                                "audit(1.000:9): arch=c000003e syscall=2 success=no exit=-13 "
                                "pid=77 auid=4294967295 uid=1000 key=\"openclawd-gogcli\""));
  auto access =
      summarize_event(event, [](const std::string&, long) { return std::string("open"); });
  ASSERT_TRUE(access.has_value());
  EXPECT_FALSE(access->success);
  EXPECT_EQ(access->auid, -1);
  EXPECT_EQ(access->uid, 1000);
  EXPECT_EQ(access->syscall, "open");
  EXPECT_EQ(access->path, "");
}

TEST(AuditMonitor, JsonLineHasTheDocumentedFields) {
  FileAccess access;
  access.timestamp = "2026-11-28T17:00:00.000Z";
  access.key = "openclawd-openclaw";
  access.path = "/p";
  access.syscall = "openat";
  access.success = true;
  access.pid = 5;
  access.exe = "/usr/bin/cat";
  access.uid = 0;
  access.auid = -1;
  auto line = AuditMonitor::to_json(access, "openclaw", true);
  for (const char* field :
       {"ts", "vm", "key", "path", "syscall", "success", "pid", "exe", "uid", "auid", "own"}) {
    EXPECT_TRUE(line.contains(field)) << field;
  }
  EXPECT_EQ(line["vm"], "openclaw");
  EXPECT_EQ(line["own"], true);
}

}  // namespace
}  // namespace openclawd::audit
