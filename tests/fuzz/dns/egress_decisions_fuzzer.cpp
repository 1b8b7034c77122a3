// The egress decisions file (state_dir/egress-decisions.json) is trusted but
// checked: whatever it holds, parsing returns decisions or an error, never a
// crash; what parses serializes and parses back to the same decisions.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "openclawd/dns/egress_decisions.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = openclawd::dns::parse_decisions(text, "fuzz.json");
  if (!parsed) return 0;
  auto again = openclawd::dns::parse_decisions(openclawd::dns::serialize_decisions(*parsed), "re");
  if (!again || again->size() != parsed->size()) std::abort();
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    const auto& a = (*parsed)[i];
    const auto& b = (*again)[i];
    if (a.vm != b.vm || a.name != b.name || a.verdict != b.verdict ||
        a.decided_at != b.decided_at || a.expires_at != b.expires_at) {
      std::abort();
    }
  }
  // Canonical names are stable.
  (void)openclawd::dns::canonical_destination(text);
  return 0;
}
