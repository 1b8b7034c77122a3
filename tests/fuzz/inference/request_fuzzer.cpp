// A guest's chat completions request (untrusted): parse it, decide what to
// scan, apply made-up verdicts and splice the body. Whatever the input, the
// spliced body is valid JSON with the same messages, and no replaced content
// survives.
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "openclawd/inference/request_filter.hpp"

using namespace openclawd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto request = inference::parse_chat_request(body);
  if (!request) return 0;
  inference::SeenMessages seen(16);
  inference::RequestFilter filter(*request, "vm", "discord_message", seen);
  std::vector<defender::ScanResult> results(filter.scans().size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    // Every other text is blocked, every third sanitized.
    if (i % 2 == 0) results[i].action = defender::Action::block;
    if (i % 3 == 0) {
      results[i].action = defender::Action::sanitize;
      results[i].sanitized = "[filtered]";
    }
  }
  filter.apply(results);
  const std::string upstream = filter.upstream_body(body);
  const auto sent = nlohmann::json::parse(upstream, nullptr, false);
  assert(!sent.is_discarded());
  assert(sent["messages"].size() == request->messages.size());
  auto again = inference::parse_chat_request(upstream);
  assert(again.ok());
  (void)again;
  return 0;
}
