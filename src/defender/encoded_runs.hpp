#pragma once
// Finds base64, hex and percent-encoded runs in text and decodes the ones that
// turn into readable text (valid UTF-8, mostly printable, some letters).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/defender/normalizer.hpp"

namespace openclawd::defender {

struct EncodedRun {
  std::size_t begin = 0;  // bytes of the encoded run in the scanned text
  std::size_t end = 0;
  std::string decoded;
};

std::vector<EncodedRun> find_encoded_runs(std::string_view text,
                                          const NormalizerSettings& settings);

// True when `bytes` is valid UTF-8 that reads as text (used to keep decoded runs).
bool looks_like_text(std::string_view bytes);

}  // namespace openclawd::defender
