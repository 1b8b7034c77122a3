// Fuzzes the gate's command splitter and decision with agent-controlled bytes:
// never a crash, a hang or an exception; and whatever splits must split the
// same way again after being single-quoted (nothing is lost or reinterpreted).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "openclawd/gate/command_splitter.hpp"
#include "openclawd/gate/decision.hpp"

namespace {

const openclawd::gate::Policy& policy() {
  static const auto parsed = openclawd::gate::parse_policy(R"({
    "gog_path": "/usr/local/bin/gog", "home": "/persist/gogcli",
    "global_flags": {"json": {"takes_value": false, "short": "j"}},
    "commands": {"gmail search": {"class": "read", "flags": {"max": {"takes_value": true}}},
                 "gmail messages search": {"class": "read"}, "gmail send": {"class": "write"},
                 "calendar events": {"class": "read"}},
    "limits": {"max_args": 16, "max_arg_bytes": 256, "max_command_bytes": 4096}})",
                                                           "fuzz-policy");
  if (!parsed.ok()) std::abort();
  return *parsed;
}

std::string single_quoted(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string command(reinterpret_cast<const char*>(data), size);
  auto words = openclawd::gate::split_command(command);
  if (words.ok()) {
    std::string requoted;
    for (const auto& word : *words) requoted += single_quoted(word) + " ";
    auto again = openclawd::gate::split_command(requoted);
    if (!again.ok() || *again != *words) std::abort();
  }
  const auto decision = openclawd::gate::decide(policy(), command);
  if (decision.allowed && decision.args.empty()) std::abort();
  return 0;
}
