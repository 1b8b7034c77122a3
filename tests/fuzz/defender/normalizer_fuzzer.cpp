// Feeds arbitrary bytes to the normalizer and checks the offset map: one entry
// per normalized byte, every span inside the original, never reversed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "openclawd/defender/normalizer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto normalizer = *openclawd::defender::Normalizer::create();
  const std::string_view original(reinterpret_cast<const char*>(data), size);
  const auto normalized = normalizer.normalize(original);
  if (normalized.origin_begin.size() != normalized.text.size() ||
      normalized.origin_end.size() != normalized.text.size() ||
      normalized.main_length > normalized.text.size()) {
    std::abort();
  }
  for (std::size_t i = 0; i < normalized.text.size(); ++i) {
    if (normalized.origin_begin[i] > normalized.origin_end[i] || normalized.origin_end[i] > size) {
      std::abort();
    }
  }
  if (!normalized.text.empty()) {
    const auto span = normalized.to_original(0, normalized.text.size());
    if (span.begin > span.end || span.end > size) std::abort();
  }
  return 0;
}
