// Audit records carry file names and process titles chosen by whoever touched
// the file: the parser and the joiner must survive anything. Each input line is
// one record; its first character picks the record type.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "openclawd/audit/records.hpp"

namespace {
constexpr int kTypes[] = {openclawd::audit::kRecordSyscall, openclawd::audit::kRecordPath,
                          openclawd::audit::kRecordCwd, openclawd::audit::kRecordEndOfEvent,
                          openclawd::audit::kRecordProctitle};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  openclawd::audit::EventAssembler assembler(8);
  auto consume = [](const std::vector<openclawd::audit::AuditEvent>& events) {
    for (const auto& event : events) (void)openclawd::audit::summarize_event(event);
  };
  while (!input.empty()) {
    auto end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (line.empty()) continue;
    int type = kTypes[static_cast<unsigned char>(line.front()) % 5];
    auto record = openclawd::audit::parse_audit_record(type, line.substr(1));
    if (record) consume(assembler.add(std::move(*record)));
  }
  consume(assembler.drain());
  return 0;
}
