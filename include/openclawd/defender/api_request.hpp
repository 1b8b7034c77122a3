#pragma once
// The body of `POST /v1/scan` (and of the control command `scan`):
//   {"text": "...", "source": "tool_result", "context": {...}}
// parsed without side effects, so it can be fuzzed. The body comes from the
// guest, which may be compromised: every shape error is a clear message.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclawd/core/result.hpp"

namespace openclawd::defender {

struct ScanRequest {
  std::string text;
  std::string source = "tool_result";  // default when the body names none
  nlohmann::json context;              // null or an object
};

// Deepest nesting accepted in "context" (it is passed on to the judge).
inline constexpr std::size_t kMaxContextDepth = 32;

// Parses a JSON text body. The text's length is not limited here (the
// pipeline's max_input_bytes rejects it as such, with its own answer).
Result<ScanRequest> parse_scan_request(std::string_view body);
// The same checks on a document already parsed (control socket arguments).
Result<ScanRequest> scan_request_from_json(const nlohmann::json& document);

}  // namespace openclawd::defender
