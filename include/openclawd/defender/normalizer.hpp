#pragma once
// Layer 1, step one: turns untrusted text into a canonical form that the rules
// match against, and remembers where every normalized byte came from so that
// findings and the sanitizer work on the ORIGINAL bytes.
//
// What it does (ICU): NFKC with case folding (which also drops zero-width,
// bidi-control, tag and other default-ignorable characters and folds
// fullwidth forms), strips accents from Latin/Greek/Cyrillic letters, folds
// confusable look-alikes (UTS #39 skeletons) inside words that mix them with
// Latin, joins letter-spaced words ("i g n o r e"), folds whitespace runs to
// one space, and appends decoded base64 / hex / percent-encoded runs (each
// decoded text normalized again, to a bounded depth).
//
// Two paths give the same bytes and the same offset map: `normalize` (ASCII
// handled without ICU, per-character ICU results cached in the tables, stages
// done in place in reused buffers) and `normalize_with_icu` (ICU for every code
// point, the reference the fast path is fuzzed against).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::defender {

struct NormalizerSettings {
  int max_decode_depth = 2;            // nested encodings decoded at most this deep
  std::size_t min_base64_run = 20;     // shorter base64-looking runs are left alone
  std::size_t min_hex_digits = 16;     // shorter hex runs are left alone
  std::size_t max_decoded_views = 64;  // decoded runs per input, beyond: ignored (logged)
  bool fold_confusables = true;
  bool join_spaced_letters = true;
};

// A byte range [begin, end) of the original text.
struct ByteSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct NormalizedText {
  std::string text;  // main normalized text, then "\n" + each decoded view
  // For byte i of `text`: it came from original bytes [origin_begin[i], origin_end[i]).
  std::vector<std::uint32_t> origin_begin;
  std::vector<std::uint32_t> origin_end;
  std::size_t main_length = 0;    // bytes of `text` before the first decoded view
  std::size_t decoded_views = 0;  // how many decoded runs were appended

  // The original bytes that normalized bytes [begin, end) came from.
  ByteSpan to_original(std::size_t begin, std::size_t end) const;
  bool in_decoded_view(std::size_t offset) const { return offset >= main_length; }
  std::string_view main_text() const { return std::string_view(text).substr(0, main_length); }
};

class Normalizer {
 public:
  // Fails only when ICU data is missing (a broken installation).
  static Result<Normalizer> create(NormalizerSettings settings = {});

  NormalizedText normalize(std::string_view original) const;
  // The same into `out`, reusing its buffers (a scan keeps one per thread).
  void normalize(std::string_view original, NormalizedText& out) const;
  // The reference path: the same result, computed per code point through ICU.
  NormalizedText normalize_with_icu(std::string_view original) const;

  // Applies the per-character folding of `normalize` to the literal (non-ASCII)
  // characters of a rule pattern so that patterns and text meet in the same form.
  // ASCII characters, and so every regex operator, are left as written.
  std::string fold_pattern(std::string_view pattern) const;

  // ICU instances, the confusable map and the per-character cache (shared).
  struct Tables;

 private:
  Normalizer(NormalizerSettings settings, std::shared_ptr<const Tables> tables)
      : settings_(settings), tables_(std::move(tables)) {}
  NormalizerSettings settings_;
  std::shared_ptr<const Tables> tables_;
};

}  // namespace openclawd::defender
