// The ICU path of the normalizer: every stage per code point through ICU, a
// new vector between stages. It is the reference that the fast path
// (normalizer_fast.cpp) must equal byte for byte and offset for offset
// (tests/fuzz/defender/normalizer_paths_fuzzer.cpp), and it folds rule patterns.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <algorithm>

#include "encoded_runs.hpp"
#include "normalizer_tables.hpp"

namespace openclawd::defender {
namespace normalizer_detail {
namespace {

bool is_accent_stripped_script(UChar32 c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_SUCCESS(status) &&
         (script == USCRIPT_LATIN || script == USCRIPT_GREEK || script == USCRIPT_CYRILLIC);
}

}  // namespace

bool is_space(UChar32 c) {
  return c == ' ' || (c >= 0 && c < 0x20) || c == 0x7F || (c >= 0x80 && c < 0xA0) ||
         (c >= 0x80 && u_isUWhiteSpace(c));
}

bool is_letter(UChar32 c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return u_isalpha(c);
}

namespace {

bool is_ascii_letter(UChar32 c) {
  return c < 0x80 && is_letter(c);
}

}  // namespace

bool is_mark(UChar32 c) {
  const auto type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK;
}

namespace {

// Emits `c`, dropping accents of Latin/Greek/Cyrillic letters ("é" -> "e", "й" -> "и").
void emit_without_accents(const Normalizer::Tables& tables, UChar32 c, std::uint32_t begin,
                          std::uint32_t end, Units& out) {
  if (c >= 0x300 && is_mark(c)) {
    if (!out.empty() && is_accent_stripped_script(out.back().code_point)) {
      out.back().end = std::max(out.back().end, end);
      return;
    }
    out.push_back({c, begin, end});
    return;
  }
  if (c >= 0xC0 && is_accent_stripped_script(c)) {
    icu::UnicodeString decomposition;
    if (tables.nfd->getDecomposition(c, decomposition)) {
      for (int32_t i = 0; i < decomposition.length();) {
        const UChar32 part = decomposition.char32At(i);
        i += U16_LENGTH(part);
        if (!is_mark(part)) out.push_back({part, begin, end});
      }
      return;
    }
  }
  out.push_back({c, begin, end});
}

}  // namespace

void fold_segment(const Normalizer::Tables& tables, const UChar32* segment, std::size_t length,
                  std::uint32_t begin, std::uint32_t end, Units& out) {
  const UChar32 c = segment[0];
  if (length == 1 && c < 0x80) {
    out.push_back({(c >= 'A' && c <= 'Z') ? c + 0x20 : c, begin, end});
    return;
  }
  if (length == 1 && tables.nfkc_casefold->isInert(c)) {
    emit_without_accents(tables, c, begin, end, out);
    return;
  }
  icu::UnicodeString source;
  for (std::size_t k = 0; k < length; ++k) source.append(segment[k]);
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString folded = tables.nfkc_casefold->normalize(source, status);
  const icu::UnicodeString& result = U_SUCCESS(status) ? folded : source;
  for (int32_t k = 0; k < result.length();) {
    const UChar32 part = result.char32At(k);
    k += U16_LENGTH(part);
    emit_without_accents(tables, part, begin, end, out);
  }
}

namespace {

// NFKC + case folding per normalization segment (a starter and what composes
// with it); every output code point maps to the whole segment's original bytes.
Units fold_characters(const Normalizer::Tables& tables, std::string_view bytes) {
  Units out;
  out.reserve(bytes.size());
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const auto length = static_cast<int32_t>(bytes.size());
  std::vector<UChar32> segment;
  int32_t i = 0;
  while (i < length) {
    const int32_t segment_begin = i;
    UChar32 c;
    U8_NEXT(data, i, length, c);
    if (c < 0) {  // invalid UTF-8: one replacement character for the bad bytes
      out.push_back(
          {0xFFFD, static_cast<std::uint32_t>(segment_begin), static_cast<std::uint32_t>(i)});
      continue;
    }
    segment.assign(1, c);
    while (i < length) {
      int32_t next = i;
      UChar32 following;
      U8_NEXT(data, next, length, following);
      if (following < 0x300 || tables.nfkc_casefold->hasBoundaryBefore(following)) break;
      segment.push_back(following);
      i = next;
    }
    fold_segment(tables, segment.data(), segment.size(), static_cast<std::uint32_t>(segment_begin),
                 static_cast<std::uint32_t>(i), out);
  }
  return out;
}

void map_spaces(Units& units) {
  for (auto& unit : units) {
    if (is_space(unit.code_point)) unit.code_point = ' ';
  }
}

}  // namespace

bool is_spacing_separator(UChar32 c) {
  return c == ' ' || c == '.' || c == '-' || c == '_' || c == '*' || c == 0xB7 || c == '|' ||
         c == '/' || c == ',';
}

namespace {

// "i g n o r e" / "i.g.n.o.r.e" -> "ignore": a chain of lone letters, each
// separated from the next by the same single separator character. Chains of
// four or more letters are joined, and shorter ones ("a l l", "t o") next to
// a joined chain, so that whole letter-spaced sentences come together.
Units join_spaced_letters(const Units& in) {
  const std::size_t n = in.size();
  auto lone_letter = [&](std::size_t k) {
    return is_letter(in[k].code_point) && (k == 0 || !is_letter(in[k - 1].code_point)) &&
           (k + 1 >= n || !is_letter(in[k + 1].code_point));
  };
  struct Chain {
    std::size_t first, last, letters;
    bool keep;
  };
  std::vector<Chain> chains;
  for (std::size_t i = 0; i + 2 < n;) {
    if (!lone_letter(i) || !is_spacing_separator(in[i + 1].code_point)) {
      ++i;
      continue;
    }
    const UChar32 separator = in[i + 1].code_point;
    std::size_t last = i;
    std::size_t letters = 1;
    while (last + 2 < n && in[last + 1].code_point == separator && lone_letter(last + 2)) {
      last += 2;
      ++letters;
    }
    if (letters >= 2) chains.push_back({i, last, letters, letters >= 4});
    i = last + 1;
  }
  if (chains.empty()) return in;
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
  Units out;
  out.reserve(n);
  std::size_t i = 0;
  for (const auto& chain : chains) {
    if (!chain.keep) continue;
    out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
               in.begin() + static_cast<std::ptrdiff_t>(chain.first));
    for (std::size_t k = chain.first; k <= chain.last; k += 2) out.push_back(in[k]);
    i = chain.last + 1;
  }
  out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i), in.end());
  return out;
}

Units collapse_spaces(const Units& in) {
  Units out;
  out.reserve(in.size());
  for (const auto& unit : in) {
    if (unit.code_point == ' ' && !out.empty() && out.back().code_point == ' ') {
      out.back().end = std::max(out.back().end, unit.end);
      continue;
    }
    out.push_back(unit);
  }
  return out;
}

// Folds look-alikes to Latin inside words that mix them with Latin letters
// ("іgnоre" with Cyrillic і/о), and in longer words made only of look-alikes.
// Words in one non-Latin script stay as written so that their own rules match.
void fold_confusables(const Normalizer::Tables& tables, Units& units) {
  const auto& map = tables.confusable_to_ascii;
  std::size_t i = 0;
  const std::size_t n = units.size();
  while (i < n) {
    if (!is_letter(units[i].code_point) && !is_mark(units[i].code_point)) {
      ++i;
      continue;
    }
    std::size_t end = i;
    std::size_t ascii = 0, foldable = 0, other = 0;
    while (end < n && (is_letter(units[end].code_point) || is_mark(units[end].code_point) ||
                       (units[end].code_point >= '0' && units[end].code_point <= '9'))) {
      const UChar32 c = units[end].code_point;
      if (is_ascii_letter(c)) {
        ++ascii;
      } else if (map.count(c) != 0) {
        ++foldable;
      } else if (c >= 0x80) {
        ++other;
      }
      ++end;
    }
    if (foldable > 0 && (ascii > 0 || (other == 0 && foldable >= 4))) {
      for (std::size_t k = i; k < end; ++k) {
        const auto found = map.find(units[k].code_point);
        if (found != map.end()) units[k].code_point = static_cast<unsigned char>(found->second);
      }
    }
    i = end;
  }
}

}  // namespace

Units fold_text_icu(const Normalizer::Tables& tables, const NormalizerSettings& settings,
                    std::string_view bytes) {
  Units units = fold_characters(tables, bytes);
  map_spaces(units);
  if (settings.join_spaced_letters) units = join_spaced_letters(units);
  units = collapse_spaces(units);
  if (settings.fold_confusables) fold_confusables(tables, units);
  return units;
}

void append_units(const Units& units, NormalizedText& out) {
  for (const auto& unit : units) {
    char buffer[4];
    int32_t length = 0;
    U8_APPEND_UNSAFE(buffer, length, unit.code_point);
    out.text.append(buffer, static_cast<std::size_t>(length));
    out.origin_begin.insert(out.origin_begin.end(), static_cast<std::size_t>(length), unit.begin);
    out.origin_end.insert(out.origin_end.end(), static_cast<std::size_t>(length), unit.end);
  }
}

namespace {

// Appends each decoded run found in `bytes` as its own view, then looks inside it
// for further encodings. Every byte of a decoded view maps to `root_span` when
// given (nested runs), else to the run's own bytes in the original.
void append_decoded_views_icu(const Normalizer::Tables& tables, const NormalizerSettings& settings,
                              std::string_view bytes, int depth, const ByteSpan* root_span,
                              NormalizedText& out) {
  if (depth > settings.max_decode_depth) return;
  for (const auto& run : find_encoded_runs(bytes, settings)) {
    if (out.decoded_views >= settings.max_decoded_views) return;
    const ByteSpan span = root_span ? *root_span : ByteSpan{run.begin, run.end};
    Units units = fold_text_icu(tables, settings, run.decoded);
    for (auto& unit : units) {
      unit.begin = static_cast<std::uint32_t>(span.begin);
      unit.end = static_cast<std::uint32_t>(span.end);
    }
    out.text.push_back('\n');
    out.origin_begin.push_back(static_cast<std::uint32_t>(span.begin));
    out.origin_end.push_back(static_cast<std::uint32_t>(span.end));
    append_units(units, out);
    ++out.decoded_views;
    append_decoded_views_icu(tables, settings, run.decoded, depth + 1, &span, out);
  }
}

void build_confusable_map(Normalizer::Tables& tables) {
  UErrorCode status = U_ZERO_ERROR;
  USpoofChecker* checker = uspoof_open(&status);
  if (U_FAILURE(status)) return;
  const std::pair<UChar32, UChar32> ranges[] = {
      {0x00C0, 0x02AF}, {0x0370, 0x058F}, {0x13A0, 0x13FF}, {0x1D00, 0x1DBF},
      {0x2C80, 0x2CFF}, {0xA640, 0xA69F}, {0xA720, 0xA7FF}, {0xAB30, 0xABBF}};
  for (const auto& [first, last] : ranges) {
    for (UChar32 c = first; c <= last; ++c) {
      if (!u_isalpha(c) || u_foldCase(c, U_FOLD_CASE_DEFAULT) != c) continue;
      UChar input[2];
      int32_t input_length = 0;
      U16_APPEND_UNSAFE(input, input_length, c);
      UChar skeleton[16];
      status = U_ZERO_ERROR;
      const int32_t length =
          uspoof_getSkeleton(checker, 0, input, input_length, skeleton, 16, &status);
      if (U_FAILURE(status) || length != 1 || skeleton[0] >= 0x80) continue;
      const auto ascii = static_cast<char>(u_tolower(skeleton[0]));
      if ((ascii >= 'a' && ascii <= 'z') || (ascii >= '0' && ascii <= '9')) {
        tables.confusable_to_ascii.emplace(c, ascii);
      }
    }
  }
  uspoof_close(checker);
}

}  // namespace
}  // namespace normalizer_detail

using namespace normalizer_detail;

ByteSpan NormalizedText::to_original(std::size_t begin, std::size_t end) const {
  if (origin_begin.empty()) return {};
  begin = std::min(begin, origin_begin.size() - 1);
  end = std::min(std::max(end, begin + 1), origin_begin.size());
  ByteSpan span{origin_begin[begin], origin_end[begin]};
  for (std::size_t i = begin; i < end; ++i) {
    span.begin = std::min<std::size_t>(span.begin, origin_begin[i]);
    span.end = std::max<std::size_t>(span.end, origin_end[i]);
  }
  return span;
}

Result<Normalizer> Normalizer::create(NormalizerSettings settings) {
  auto tables = std::make_shared<Tables>();
  UErrorCode status = U_ZERO_ERROR;
  tables->nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) {
    return make_error(std::string("ICU NFKC_Casefold data is missing (") + u_errorName(status) +
                      "); reinstall libicu72");
  }
  tables->nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) {
    return make_error(std::string("ICU NFD data is missing (") + u_errorName(status) +
                      "); reinstall libicu72");
  }
  if (settings.fold_confusables) build_confusable_map(*tables);
  tables->bmp_facts = std::make_unique<std::atomic<std::uint64_t>[]>(0x10000);
  return Normalizer(settings, std::move(tables));
}

NormalizedText Normalizer::normalize_with_icu(std::string_view original) const {
  NormalizedText out;
  out.text.reserve(original.size() + 16);
  out.origin_begin.reserve(original.size() + 16);
  out.origin_end.reserve(original.size() + 16);
  append_units(fold_text_icu(*tables_, settings_, original), out);
  out.main_length = out.text.size();
  append_decoded_views_icu(*tables_, settings_, original, 1, nullptr, out);
  return out;
}

std::string Normalizer::fold_pattern(std::string_view pattern) const {
  std::string out;
  const auto* data = reinterpret_cast<const std::uint8_t*>(pattern.data());
  const auto length = static_cast<int32_t>(pattern.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(data, i, length, c);
    if (c < 0x80) {  // ASCII (and invalid bytes, rejected later by the compiler)
      out.append(
          pattern.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
      continue;
    }
    Units units = fold_characters(*tables_, pattern.substr(static_cast<std::size_t>(start),
                                                           static_cast<std::size_t>(i - start)));
    for (const auto& unit : units) {
      if (unit.code_point < 0x80) {
        // A fullwidth "（" folds to "(": keep it a literal, not a regex operator.
        if (!is_letter(unit.code_point) && !(unit.code_point >= '0' && unit.code_point <= '9')) {
          out.push_back('\\');
        }
        out.push_back(static_cast<char>(unit.code_point));
        continue;
      }
      char buffer[4];
      int32_t written = 0;
      U8_APPEND_UNSAFE(buffer, written, unit.code_point);
      out.append(buffer, static_cast<std::size_t>(written));
    }
  }
  return out;
}

}  // namespace openclawd::defender
