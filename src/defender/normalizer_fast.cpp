// The fast path of the normalizer. Same stages and the same result as the ICU
// path (normalizer_icu.cpp), computed differently:
// - ASCII is folded from a 128-entry table, without ICU; a text that is all
//   ASCII and has no letter-spaced words is written out in one pass;
// - for other BMP characters, what ICU says (the fold of the character alone,
//   its properties) is computed once by the ICU path's own functions and kept
//   in Tables::bmp_facts; segments with combining marks and characters beyond
//   the BMP still go through ICU each time;
// - the stages after folding work in place, and every buffer is kept per thread
//   and reused, so a scan allocates nothing once its thread has warmed up.
#include <unicode/utf8.h>

#include <algorithm>
#include <array>

#include "encoded_runs.hpp"
#include "normalizer_tables.hpp"

namespace openclawd::defender {
namespace normalizer_detail {
namespace {

// Layout of one Tables::bmp_facts word.
constexpr std::uint64_t kReady = 1ULL << 63;
constexpr std::uint64_t kComplex = 1ULL << 62;  // fold depends on context: use ICU
constexpr int kLengthShift = 60;                // 0..2 folded code points
constexpr int kSecondShift = 21;
constexpr int kConfusableShift = 42;  // 7 bits: the ASCII look-alike, 0 for none
constexpr std::uint64_t kLetter = 1ULL << 49;
constexpr std::uint64_t kMark = 1ULL << 50;
constexpr std::uint64_t kBoundaryBefore = 1ULL << 51;
constexpr std::uint64_t kCodePointMask = 0x1FFFFF;

// ASCII after folding and space mapping: lower case, controls and DEL -> ' '.
constexpr std::array<char, 128> kAsciiFold = [] {
  std::array<char, 128> table{};
  for (int c = 0; c < 128; ++c) {
    char folded = static_cast<char>(c);
    if (c >= 'A' && c <= 'Z') folded = static_cast<char>(c + 0x20);
    if (c < 0x20 || c == 0x7F) folded = ' ';
    table[static_cast<std::size_t>(c)] = folded;
  }
  return table;
}();

constexpr bool ascii_letter(unsigned char c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

constexpr bool ascii_separator(char c) {
  return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' || c == '|' || c == '/' ||
         c == ',';
}

std::uint64_t compute_facts(const Normalizer::Tables& tables, UChar32 c) {
  std::uint64_t facts = kReady;
  if (is_letter(c)) facts |= kLetter;
  if (is_mark(c)) facts |= kMark;
  if (tables.nfkc_casefold->hasBoundaryBefore(c)) facts |= kBoundaryBefore;
  if (const auto found = tables.confusable_to_ascii.find(c);
      found != tables.confusable_to_ascii.end()) {
    facts |= static_cast<std::uint64_t>(static_cast<unsigned char>(found->second) & 0x7F)
             << kConfusableShift;
  }
  // The character as a segment of its own, with no unit before it. Its fold is
  // the same wherever it stands unless it yields a combining mark (which the
  // ICU path may merge into the unit before), or more than two code points.
  Units folded;
  fold_segment(tables, &c, 1, 0, 1, folded);
  bool context_free = folded.size() <= 2;
  for (const auto& unit : folded) {
    if (unit.code_point >= 0x300 && is_mark(unit.code_point)) context_free = false;
  }
  if (!context_free) return facts | kComplex;
  facts |= static_cast<std::uint64_t>(folded.size()) << kLengthShift;
  for (std::size_t k = 0; k < folded.size(); ++k) {
    const UChar32 mapped = is_space(folded[k].code_point) ? ' ' : folded[k].code_point;
    facts |= static_cast<std::uint64_t>(mapped) << (kSecondShift * static_cast<int>(k));
  }
  return facts;
}

// Facts of a BMP code point at or above 0x80.
inline std::uint64_t facts_of(const Normalizer::Tables& tables, UChar32 c) {
  auto& slot = tables.bmp_facts[static_cast<std::size_t>(c)];
  std::uint64_t facts = slot.load(std::memory_order_relaxed);
  if (!(facts & kReady)) {
    // Idempotent: a thread racing on this slot stores the same word.
    facts = compute_facts(tables, c);
    slot.store(facts, std::memory_order_relaxed);
  }
  return facts;
}

// Unit::traits: what the later stages ask of a unit's code point.
constexpr std::uint32_t kTraitLetter = 1;
constexpr std::uint32_t kTraitMark = 2;
constexpr int kTraitConfusableShift = 8;  // 7 bits: the ASCII look-alike, 0 for none
constexpr std::uint32_t kTraitConfusable = 0x7FU << kTraitConfusableShift;

constexpr std::array<std::uint32_t, 128> kAsciiTraits = [] {
  std::array<std::uint32_t, 128> table{};
  for (int c = 0; c < 128; ++c) {
    table[static_cast<std::size_t>(c)] = ascii_letter(static_cast<unsigned char>(c)) ? 1 : 0;
  }
  return table;
}();

inline std::uint32_t traits_from_facts(std::uint64_t facts) {
  return ((facts & kLetter) ? kTraitLetter : 0) | ((facts & kMark) ? kTraitMark : 0) |
         (static_cast<std::uint32_t>((facts >> kConfusableShift) & 0x7F) << kTraitConfusableShift);
}

std::uint32_t traits_of(const Normalizer::Tables& tables, UChar32 c) {
  if (c < 0x80) return kAsciiTraits[static_cast<std::size_t>(c)];
  if (c < 0x10000) return traits_from_facts(facts_of(tables, c));
  std::uint32_t traits = (is_letter(c) ? kTraitLetter : 0) | (is_mark(c) ? kTraitMark : 0);
  if (const auto found = tables.confusable_to_ascii.find(c);
      found != tables.confusable_to_ascii.end()) {
    traits |= static_cast<std::uint32_t>(static_cast<unsigned char>(found->second) & 0x7F)
              << kTraitConfusableShift;
  }
  return traits;
}

inline bool boundary_before(const Normalizer::Tables& tables, UChar32 c) {
  if (c < 0x10000) return facts_of(tables, c) & kBoundaryBefore;
  return tables.nfkc_casefold->hasBoundaryBefore(c);
}

inline bool spacing_separator(UChar32 c) {
  return c < 0x80 ? ascii_separator(static_cast<char>(c)) : c == 0xB7;
}

struct Chain {
  std::size_t first, last, letters;
  bool keep;
};

// Everything a normalization needs, kept per thread and reused.
struct Scratch {
  Units units;
  std::vector<UChar32> segment;
  std::vector<unsigned char> letters;
  std::vector<Chain> chains;
};

Scratch& thread_scratch() {
  // Per thread, not shared: a cache of capacity, never of content that
  // outlives one call (the scan's worker threads each warm one up once).
  thread_local Scratch scratch;
  return scratch;
}

// What fold_units saw that decides whether later stages have work.
struct Seen {
  bool confusable = false;  // a unit has an ASCII look-alike
  bool spaced = false;      // a lone letter, a separator, a lone letter
};

// Two bits per unit, newest lowest: bit 0 letter, bit 1 spacing separator.
// [non-letter, letter, separator, letter, non-letter] ending at the newest
// unit is where join_spaced_letters finds a chain of two or more letters.
constexpr std::uint32_t kSpacedMask = (1U << 0) | (1U << 2) | (1U << 5) | (1U << 6) | (1U << 8);
constexpr std::uint32_t kSpacedValue = (1U << 2) | (1U << 5) | (1U << 6);

inline std::uint32_t shift_in(std::uint32_t history, const Unit& unit) {
  return (history << 2) | (unit.traits & kTraitLetter) |
         (spacing_separator(unit.code_point) ? 2U : 0U);
}

// Folding (NFKC_Casefold, accents) and space mapping, unit per code point,
// each unit with its traits.
Seen fold_units(const Normalizer::Tables& tables, std::string_view bytes, Scratch& scratch) {
  Units& out = scratch.units;
  out.reserve(bytes.size());
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const auto length = static_cast<int32_t>(bytes.size());
  std::uint32_t seen = 0;
  int32_t i = 0;
  while (i < length) {
    const std::uint8_t byte = data[i];
    if (byte < 0x80 && (i + 1 == length || data[i + 1] < 0x80)) {
      const char folded = kAsciiFold[byte];
      out.push_back({folded, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1),
                     kAsciiTraits[static_cast<unsigned char>(folded)]});
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(data, i, length, c);
    if (c < 0) {  // invalid UTF-8: one replacement character for the bad bytes
      out.push_back({0xFFFD, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(i),
                     traits_of(tables, 0xFFFD)});
      continue;
    }
    // Does a mark that composes with `c` follow? (U+0300 starts at lead byte 0xCC.)
    bool single = true;
    if (i < length && data[i] >= 0xCC) {
      int32_t next = i;
      UChar32 following;
      U8_NEXT(data, next, length, following);
      single = following < 0x300 || boundary_before(tables, following);
    }
    const auto begin = static_cast<std::uint32_t>(start);
    if (single && c < 0x80) {
      const char folded = kAsciiFold[static_cast<std::size_t>(c)];
      out.push_back({folded, begin, static_cast<std::uint32_t>(i),
                     kAsciiTraits[static_cast<unsigned char>(folded)]});
      continue;
    }
    if (single && c < 0x10000) {
      const std::uint64_t facts = facts_of(tables, c);
      if (!(facts & kComplex)) {
        const auto count = static_cast<int>((facts >> kLengthShift) & 3);
        for (int k = 0; k < count; ++k) {
          const auto folded = static_cast<UChar32>((facts >> (kSecondShift * k)) & kCodePointMask);
          const std::uint32_t traits =
              folded == c ? traits_from_facts(facts) : traits_of(tables, folded);
          seen |= traits;
          out.push_back({folded, begin, static_cast<std::uint32_t>(i), traits});
        }
        continue;
      }
    }
    auto& segment = scratch.segment;
    segment.assign(1, c);
    while (i < length && data[i] >= 0xCC) {
      int32_t next = i;
      UChar32 following;
      U8_NEXT(data, next, length, following);
      if (following < 0x300 || boundary_before(tables, following)) break;
      segment.push_back(following);
      i = next;
    }
    const std::size_t before = out.size();
    fold_segment(tables, segment.data(), segment.size(), begin, static_cast<std::uint32_t>(i), out);
    for (std::size_t k = before; k < out.size(); ++k) {
      if (is_space(out[k].code_point)) out[k].code_point = ' ';
      out[k].traits = traits_of(tables, out[k].code_point);
      seen |= out[k].traits;
    }
  }
  // Where a chain could start, one pass over the units (before the start and
  // after the end count as non-letters).
  std::uint32_t history = 0;
  bool spaced = false;
  for (const auto& unit : out) {
    history = shift_in(history, unit);
    spaced |= (history & kSpacedMask) == kSpacedValue;
  }
  spaced |= ((history << 2) & kSpacedMask) == kSpacedValue;
  return {(seen & kTraitConfusable) != 0, spaced};
}

// join_spaced_letters of the ICU path, in place.
void join_spaced_letters(Scratch& scratch) {
  Units& units = scratch.units;
  const std::size_t n = units.size();
  auto letter = [&](std::size_t k) { return (units[k].traits & kTraitLetter) != 0; };
  auto lone_letter = [&](std::size_t k) {
    return letter(k) && (k == 0 || !letter(k - 1)) && (k + 1 >= n || !letter(k + 1));
  };
  auto& chains = scratch.chains;
  chains.clear();
  for (std::size_t i = 0; i + 2 < n;) {
    if (!letter(i) || !spacing_separator(units[i + 1].code_point) || !lone_letter(i)) {
      ++i;
      continue;
    }
    const UChar32 separator = units[i + 1].code_point;
    std::size_t last = i;
    std::size_t count = 1;
    while (last + 2 < n && units[last + 1].code_point == separator && lone_letter(last + 2)) {
      last += 2;
      ++count;
    }
    if (count >= 2) chains.push_back({i, last, count, count >= 4});
    i = last + 1;
  }
  if (chains.empty()) return;
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t k = 0; k < chains.size(); ++k) {
      if (chains[k].keep) continue;
      const bool near_previous =
          k > 0 && chains[k - 1].keep && chains[k].first - chains[k - 1].last <= 4;
      const bool near_next =
          k + 1 < chains.size() && chains[k + 1].keep && chains[k + 1].first - chains[k].last <= 4;
      chains[k].keep = near_previous || near_next;
      changed = changed || chains[k].keep;
    }
  }
  std::size_t write = 0, read = 0;
  for (const auto& chain : chains) {
    if (!chain.keep) continue;
    while (read < chain.first) units[write++] = units[read++];
    for (std::size_t k = chain.first; k <= chain.last; k += 2) units[write++] = units[k];
    read = chain.last + 1;
  }
  while (read < n) units[write++] = units[read++];
  units.resize(write);
}

// fold_confusables of the ICU path, on the units' traits. That path scans every
// word; only words holding a look-alike can change, so this one finds those
// and works out each one's word: the run of letters, marks and digits around
// it, from its first letter or mark on (leading digits start no word).
void fold_confusables(Units& units) {
  constexpr std::uint32_t kWordStart = kTraitLetter | kTraitMark;
  const std::size_t n = units.size();
  auto in_word = [&](std::size_t k) {
    const UChar32 c = units[k].code_point;
    return (units[k].traits & kWordStart) != 0 || (c >= '0' && c <= '9');
  };
  std::size_t i = 0;
  while (i < n) {
    if (!(units[i].traits & kTraitConfusable)) {
      ++i;
      continue;
    }
    std::size_t run = i;
    while (run > 0 && in_word(run - 1)) --run;
    std::size_t end = i + 1;
    while (end < n && in_word(end)) ++end;
    std::size_t word = run;
    while (!(units[word].traits & kWordStart)) ++word;  // stops at `i` at the latest
    std::size_t ascii = 0, foldable = 0, other = 0;
    for (std::size_t k = word; k < end; ++k) {
      const UChar32 c = units[k].code_point;
      if (c < 0x80) {
        if (!(c >= '0' && c <= '9')) ++ascii;
      } else if (units[k].traits & kTraitConfusable) {
        ++foldable;
      } else {
        ++other;
      }
    }
    if (ascii > 0 || (other == 0 && foldable >= 4)) {
      for (std::size_t k = word; k < end; ++k) {
        const auto ascii_form = (units[k].traits & kTraitConfusable) >> kTraitConfusableShift;
        if (ascii_form != 0) units[k].code_point = static_cast<UChar32>(ascii_form);
      }
    }
    i = end;
  }
}

// Every stage of fold_text_icu but the last (collapse_spaces commutes with the
// confusable folding, which touches only letters; encode_units does it).
void fold_text(const Normalizer::Tables& tables, const NormalizerSettings& settings,
               std::string_view bytes, Scratch& scratch) {
  scratch.units.clear();
  const Seen seen = fold_units(tables, bytes, scratch);
  if (settings.join_spaced_letters && seen.spaced) join_spaced_letters(scratch);
  if (settings.fold_confusables && seen.confusable) fold_confusables(scratch.units);
}

// collapse_spaces and append_units of the ICU path, in one pass over buffers
// sized once.
void encode_units(const Units& units, NormalizedText& out) {
  std::size_t bytes = 0;
  for (const auto& unit : units) bytes += static_cast<std::size_t>(U8_LENGTH(unit.code_point));
  const std::size_t at = out.text.size();
  out.text.resize(at + bytes);
  out.origin_begin.resize(at + bytes);
  out.origin_end.resize(at + bytes);
  auto* text = reinterpret_cast<std::uint8_t*>(out.text.data()) + at;
  std::uint32_t* begin = out.origin_begin.data() + at;
  std::uint32_t* end = out.origin_end.data() + at;
  std::size_t k = 0;
  for (const auto& unit : units) {
    if (unit.code_point < 0x80) {
      if (unit.code_point == ' ' && k > 0 && text[k - 1] == ' ') {
        end[k - 1] = std::max(end[k - 1], unit.end);
        continue;
      }
      text[k] = static_cast<std::uint8_t>(unit.code_point);
      begin[k] = unit.begin;
      end[k] = unit.end;
      ++k;
      continue;
    }
    const std::size_t first = k;
    U8_APPEND_UNSAFE(text, k, unit.code_point);
    for (std::size_t b = first; b < k; ++b) {
      begin[b] = unit.begin;
      end[b] = unit.end;
    }
  }
  out.text.resize(at + k);
  out.origin_begin.resize(at + k);
  out.origin_end.resize(at + k);
}

bool all_ascii(std::string_view bytes) {
  unsigned char any = 0;
  for (const char c : bytes) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

// An all-ASCII text in one pass: fold, map spaces, collapse them. False (and
// `out` as it was) when a letter-spaced chain might form: joining then changes
// the text, and the unit path does it.
bool normalize_ascii(std::string_view bytes, bool join_letters, NormalizedText& out) {
  const std::size_t n = bytes.size();
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  auto folded = [&](std::size_t k) { return kAsciiFold[data[k]]; };
  auto letter = [&](std::size_t k) { return ascii_letter(static_cast<unsigned char>(folded(k))); };
  out.text.resize(n);
  out.origin_begin.resize(n);
  out.origin_end.resize(n);
  char* text = out.text.data();
  std::uint32_t* begin = out.origin_begin.data();
  std::uint32_t* end = out.origin_end.data();
  std::size_t write = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const char c = folded(k);
    // A lone letter, a separator, a lone letter: the start of a chain.
    if (join_letters && k + 2 < n && ascii_letter(static_cast<unsigned char>(c)) &&
        (k == 0 || !letter(k - 1)) && ascii_separator(folded(k + 1)) && letter(k + 2) &&
        (k + 3 >= n || !letter(k + 3))) {
      out.text.clear();
      out.origin_begin.clear();
      out.origin_end.clear();
      return false;
    }
    if (c == ' ' && write > 0 && text[write - 1] == ' ') {
      end[write - 1] = static_cast<std::uint32_t>(k + 1);
      continue;
    }
    text[write] = c;
    begin[write] = static_cast<std::uint32_t>(k);
    end[write] = static_cast<std::uint32_t>(k + 1);
    ++write;
  }
  out.text.resize(write);
  out.origin_begin.resize(write);
  out.origin_end.resize(write);
  return true;
}

// append_decoded_views of the ICU path.
void append_decoded_views(const Normalizer::Tables& tables, const NormalizerSettings& settings,
                          std::string_view bytes, int depth, const ByteSpan* root_span,
                          Scratch& scratch, NormalizedText& out) {
  if (depth > settings.max_decode_depth) return;
  for (const auto& run : find_encoded_runs(bytes, settings)) {
    if (out.decoded_views >= settings.max_decoded_views) return;
    const ByteSpan span = root_span ? *root_span : ByteSpan{run.begin, run.end};
    fold_text(tables, settings, run.decoded, scratch);
    for (auto& unit : scratch.units) {
      unit.begin = static_cast<std::uint32_t>(span.begin);
      unit.end = static_cast<std::uint32_t>(span.end);
    }
    out.text.push_back('\n');
    out.origin_begin.push_back(static_cast<std::uint32_t>(span.begin));
    out.origin_end.push_back(static_cast<std::uint32_t>(span.end));
    encode_units(scratch.units, out);
    ++out.decoded_views;
    append_decoded_views(tables, settings, run.decoded, depth + 1, &span, scratch, out);
  }
}

}  // namespace
}  // namespace normalizer_detail

using namespace normalizer_detail;

void Normalizer::normalize(std::string_view original, NormalizedText& out) const {
  out.text.clear();
  out.origin_begin.clear();
  out.origin_end.clear();
  out.main_length = 0;
  out.decoded_views = 0;
  Scratch& scratch = thread_scratch();
  if (!all_ascii(original) || !normalize_ascii(original, settings_.join_spaced_letters, out)) {
    fold_text(*tables_, settings_, original, scratch);
    encode_units(scratch.units, out);
  }
  out.main_length = out.text.size();
  append_decoded_views(*tables_, settings_, original, 1, nullptr, scratch, out);
}

NormalizedText Normalizer::normalize(std::string_view original) const {
  NormalizedText out;
  normalize(original, out);
  return out;
}

}  // namespace openclawd::defender
