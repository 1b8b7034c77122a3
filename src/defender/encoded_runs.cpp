#include "encoded_runs.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <array>
#include <cstdint>

namespace openclawd::defender {
namespace {

// Byte classes for the run scan (a table lookup per byte: every byte of every
// text goes through it).
constexpr unsigned char kBase64 = 1;
constexpr unsigned char kHex = 2;
constexpr std::array<unsigned char, 256> kClasses = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    unsigned char bits = 0;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
        c == '-' || c == '/' || c == '_') {
      bits |= kBase64;
    }
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= kHex;
    table[static_cast<std::size_t>(c)] = bits;
  }
  return table;
}();

inline unsigned char byte_class(char c) {
  return kClasses[static_cast<unsigned char>(c)];
}

int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode_base64(std::string_view run) {
  std::string out;
  out.reserve(run.size() * 3 / 4);
  std::uint32_t accumulator = 0;
  int bits = 0;
  for (const unsigned char c : run) {
    const int value = base64_value(c);
    if (value < 0) break;
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
    }
  }
  return out;
}

std::string decode_hex(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() / 2);
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(hex_value(static_cast<unsigned char>(digits[i])) * 16 +
                                    hex_value(static_cast<unsigned char>(digits[i + 1]))));
  }
  return out;
}

bool is_token_char(unsigned char c) {
  return c > ' ' && c != 0x7F;
}

// "\x69\x67..." or "%69%67..." sequences of at least four escapes.
std::size_t escaped_run_end(std::string_view text, std::size_t begin, char lead, char second,
                            std::string& decoded) {
  std::size_t i = begin;
  decoded.clear();
  const std::size_t step = second ? 4 : 3;
  while (i + step <= text.size() && text[i] == lead && (!second || text[i + 1] == second)) {
    const std::size_t digits = i + step - 2;
    const int high = hex_value(static_cast<unsigned char>(text[digits]));
    const int low = hex_value(static_cast<unsigned char>(text[digits + 1]));
    if (high < 0 || low < 0) break;
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += step;
    // Percent-encoding mixes escapes with plain characters ("ignore%20all").
    if (!second) {
      while (i < text.size() && text[i] != '%' &&
             is_token_char(static_cast<unsigned char>(text[i]))) {
        decoded.push_back(text[i]);
        ++i;
      }
    }
  }
  return i;
}

}  // namespace

bool looks_like_text(std::string_view bytes) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const auto length = static_cast<int32_t>(bytes.size());
  int32_t i = 0;
  std::size_t code_points = 0, printable = 0, letters = 0, alphanumerics = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(data, i, length, c);
    if (c < 0) return false;
    ++code_points;
    if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t') ++printable;
    if (u_isalpha(c)) ++letters;
    if (u_isalnum(c)) ++alphanumerics;
  }
  return code_points > 0 && letters >= 3 && printable * 10 >= code_points * 9 &&
         alphanumerics * 2 >= code_points;
}

std::vector<EncodedRun> find_encoded_runs(std::string_view text,
                                          const NormalizerSettings& settings) {
  std::vector<EncodedRun> runs;
  std::string decoded;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    // Escaped bytes: \x69\x67... and %69%67...
    if ((c == '\\' || c == '%') && i + 3 < text.size()) {
      const std::size_t end = c == '\\' ? escaped_run_end(text, i, '\\', 'x', decoded)
                                        : escaped_run_end(text, i, '%', 0, decoded);
      if (end > i && (end - i) >= 12 && looks_like_text(decoded)) {
        runs.push_back({i, end, decoded});
        i = end;
        continue;
      }
    }
    if (!(byte_class(text[i]) & kBase64)) {
      ++i;
      continue;
    }
    // A maximal run of base64 characters (hex digits are a subset).
    std::size_t end = i;
    unsigned char all = kBase64 | kHex;
    while (end < text.size()) {
      const unsigned char bits = byte_class(text[end]);
      if (!(bits & kBase64)) break;
      all &= bits;
      ++end;
    }
    const bool all_hex = (all & kHex) != 0;
    const std::string_view run = text.substr(i, end - i);
    std::size_t run_end = end;
    while (run_end < text.size() && text[run_end] == '=' && run_end - end < 2) ++run_end;
    bool kept = false;
    if (all_hex && run.size() >= settings.min_hex_digits && run.size() % 2 == 0) {
      decoded = decode_hex(run);
      if (looks_like_text(decoded)) {
        runs.push_back({i, run_end, decoded});
        kept = true;
      }
    }
    if (!kept && run.size() >= settings.min_base64_run) {
      decoded = decode_base64(run);
      if (looks_like_text(decoded)) runs.push_back({i, run_end, decoded});
    }
    i = run_end;
  }
  return runs;
}

}  // namespace openclawd::defender
