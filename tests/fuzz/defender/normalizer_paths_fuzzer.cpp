// The normalizer's fast path against its ICU path: for any bytes, the same
// normalized text, the same offset map and the same decoded views. Settings
// come from the first byte so that every stage is covered on and off.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "openclawd/defender/normalizer.hpp"

namespace {

using openclawd::defender::NormalizedText;
using openclawd::defender::Normalizer;
using openclawd::defender::NormalizerSettings;

const Normalizer& normalizer_for(std::uint8_t selector) {
  static const Normalizer variants[4] = {
      *Normalizer::create(NormalizerSettings{}),
      *Normalizer::create([] {
        NormalizerSettings s;
        s.join_spaced_letters = false;
        return s;
      }()),
      *Normalizer::create([] {
        NormalizerSettings s;
        s.fold_confusables = false;
        return s;
      }()),
      *Normalizer::create([] {
        NormalizerSettings s;
        s.min_base64_run = 8;
        s.min_hex_digits = 8;
        s.max_decode_depth = 3;
        return s;
      }()),
  };
  return variants[selector % 4];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Normalizer& normalizer = normalizer_for(data[0]);
  const std::string_view original(reinterpret_cast<const char*>(data + 1), size - 1);
  const NormalizedText reference = normalizer.normalize_with_icu(original);
  // Twice into one buffer: a reused buffer must not leak the previous result.
  NormalizedText fast;
  normalizer.normalize("warm up the buffers with other text: e.g. \xD0\xB0\xD0\xB1", fast);
  normalizer.normalize(original, fast);
  if (fast.text != reference.text || fast.origin_begin != reference.origin_begin ||
      fast.origin_end != reference.origin_end || fast.main_length != reference.main_length ||
      fast.decoded_views != reference.decoded_views) {
    std::abort();
  }
  return 0;
}
