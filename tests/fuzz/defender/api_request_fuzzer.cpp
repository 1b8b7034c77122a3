// Feeds arbitrary bytes to the defender API's request parser (the body of
// POST /v1/scan comes from the guest): it must answer a request or an error,
// never crash, and what it accepts must satisfy the documented shape.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "openclawd/defender/api_request.hpp"
#include "openclawd/defender/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = openclawd::defender::parse_scan_request(body);
  if (parsed) {
    if (!openclawd::defender::is_known_source(parsed->source)) std::abort();
    if (!parsed->context.is_null() && !parsed->context.is_object()) std::abort();
    if (parsed->text.size() > size) std::abort();
  } else if (parsed.error().message.empty()) {
    std::abort();
  }
  return 0;
}
