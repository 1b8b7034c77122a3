#pragma once
// What the two normalizer paths share: the ICU instances and tables, the
// per-code-point facts the fast path caches, and the ICU path's pieces that the
// fast path calls for what it does not handle itself (segments with combining
// marks, supplementary-plane characters).

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "openclawd/defender/normalizer.hpp"

namespace openclawd::defender {

struct Normalizer::Tables {
  const icu::Normalizer2* nfkc_casefold = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  // Lower-case letters of other scripts whose UTS #39 skeleton is one ASCII letter
  // or digit (Cyrillic "а" -> "a", Greek "ο" -> "o", ...).
  std::unordered_map<UChar32, char> confusable_to_ascii;
  // One word per BMP code point, filled on first sight by the ICU path's own
  // functions (normalizer_fast.cpp): what the character folds to and its
  // properties. Filling is idempotent, so threads racing on an entry store the
  // same value; nothing else in the tables changes after create().
  std::unique_ptr<std::atomic<std::uint64_t>[]> bmp_facts;
};

namespace normalizer_detail {

// One code point of the normalized text and the original bytes it came from.
struct Unit {
  UChar32 code_point;
  std::uint32_t begin;
  std::uint32_t end;
  // Fast path only (the ICU path leaves it 0): the code point's properties,
  // looked up once when the unit is made (normalizer_fast.cpp).
  std::uint32_t traits = 0;
};
using Units = std::vector<Unit>;

bool is_mark(UChar32 c);
bool is_space(UChar32 c);
bool is_letter(UChar32 c);
bool is_spacing_separator(UChar32 c);

// NFKC + case folding + accent stripping of one normalization segment (a
// starter and the marks that compose with it); every unit maps to [begin, end).
// May extend out.back() (a mark dropped after an accent-stripped letter).
void fold_segment(const Normalizer::Tables& tables, const UChar32* segment, std::size_t length,
                  std::uint32_t begin, std::uint32_t end, Units& out);

// The ICU path: every stage per code point, new vectors between stages.
Units fold_text_icu(const Normalizer::Tables& tables, const NormalizerSettings& settings,
                    std::string_view bytes);

// Appends `units` to `out` as UTF-8 with one origin entry per byte.
void append_units(const Units& units, NormalizedText& out);

}  // namespace normalizer_detail
}  // namespace openclawd::defender
