// A provider's streamed answer (untrusted bytes): fed to the relay in pieces
// the input chooses, tool-call checks answered alternately allowed and
// blocked. Whatever the bytes, the relay comes to an end once every wait is
// answered, without a crash, a sanitizer report or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "openclawd/inference/sse_relay.hpp"

using namespace openclawd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const judge::Redactor redactor;
  const std::size_t piece = 1 + data[0] % 64;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  inference::SseRelay relay(redactor, "request");
  bool block = false;
  auto answer_checks = [&] {
    while (relay.waiting()) {
      auto checks = relay.take_checks();
      std::vector<defender::ScanResult> results(checks.size());
      for (auto& result : results) {
        result.action = block ? defender::Action::block : defender::Action::allow;
        block = !block;
      }
      relay.resume(results);
    }
  };
  for (std::size_t at = 0; at < input.size(); at += piece) {
    relay.feed(input.substr(at, piece));
    answer_checks();
  }
  relay.finish();
  answer_checks();
  relay.finish();
  if (!relay.done()) __builtin_trap();
  return 0;
}
