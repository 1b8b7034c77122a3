#include "json_walker.hpp"

#include <fmt/format.h>

namespace openclawd::inference {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, char32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

}  // namespace

Error JsonWalker::fail(std::string_view what) const {
  return make_error(fmt::format("malformed JSON at byte {}: {}", at_, what));
}

void JsonWalker::skip_blanks() {
  while (at_ < text_.size() && is_blank(text_[at_])) ++at_;
}

char JsonWalker::peek() {
  skip_blanks();
  return at_ < text_.size() ? text_[at_] : '\0';
}

bool JsonWalker::take(char c) {
  if (peek() != c || at_ >= text_.size()) return false;
  ++at_;
  return true;
}

Status JsonWalker::expect(char c) {
  if (!take(c)) return fail(fmt::format("expected '{}'", c));
  return ok_status();
}

Result<std::string> JsonWalker::string() {
  if (peek() != '"') return fail("expected a string");
  ++at_;
  std::string out;
  auto read_hex4 = [&](char32_t& code) -> bool {
    if (at_ + 4 > text_.size()) return false;
    code = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(text_[at_ + static_cast<std::size_t>(i)]);
      if (digit < 0) return false;
      code = code * 16 + static_cast<char32_t>(digit);
    }
    at_ += 4;
    return true;
  };
  while (at_ < text_.size()) {
    const char c = text_[at_++];
    if (c == '"') return out;
    if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (at_ >= text_.size()) break;
    const char escape = text_[at_++];
    switch (escape) {
      case '"':
      case '\\':
      case '/':
        out.push_back(escape);
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        char32_t code = 0;
        if (!read_hex4(code)) return fail("bad \\u escape");
        if (code >= 0xD800 && code <= 0xDBFF) {
          char32_t low = 0;
          if (at_ + 2 <= text_.size() && text_[at_] == '\\' && text_[at_ + 1] == 'u') {
            at_ += 2;
            if (!read_hex4(low) || low < 0xDC00 || low > 0xDFFF) {
              return fail("bad surrogate pair");
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else {
            return fail("lone surrogate");
          }
        } else if (code >= 0xDC00 && code <= 0xDFFF) {
          return fail("lone surrogate");
        }
        append_utf8(out, code);
        break;
      }
      default:
        return fail("bad escape");
    }
  }
  return fail("unterminated string");
}

Status JsonWalker::skip_string() {
  if (peek() != '"') return fail("expected a string");
  ++at_;
  while (at_ < text_.size()) {
    const char c = text_[at_++];
    if (c == '"') return ok_status();
    if (c == '\\') {
      if (at_ >= text_.size()) break;
      ++at_;
    }
  }
  return fail("unterminated string");
}

Status JsonWalker::skip_literal(std::string_view literal) {
  if (text_.substr(at_, literal.size()) != literal) return fail("unexpected token");
  at_ += literal.size();
  return ok_status();
}

Status JsonWalker::skip_number() {
  const std::size_t start = at_;
  while (at_ < text_.size()) {
    const char c = text_[at_];
    const bool part =
        (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    if (!part) break;
    ++at_;
  }
  if (at_ == start) return fail("unexpected character");
  return ok_status();
}

Status JsonWalker::skip_container(char open, char close, std::size_t depth) {
  if (depth >= max_depth_) return fail("nested too deeply");
  if (auto opened = expect(open); !opened) return opened;
  if (take(close)) return ok_status();
  while (true) {
    if (open == '{') {
      if (auto key = skip_string(); !key) return key;
      if (auto colon = expect(':'); !colon) return colon;
    }
    if (auto item = value(depth + 1); !item) return item.error();
    if (take(close)) return ok_status();
    if (auto comma = expect(','); !comma) return comma;
  }
}

Result<std::pair<std::size_t, std::size_t>> JsonWalker::value(std::size_t depth) {
  const char c = peek();
  const std::size_t begin = at_;
  Status skipped = ok_status();
  switch (c) {
    case '"':
      skipped = skip_string();
      break;
    case '{':
      skipped = skip_container('{', '}', depth);
      break;
    case '[':
      skipped = skip_container('[', ']', depth);
      break;
    case 't':
      skipped = skip_literal("true");
      break;
    case 'f':
      skipped = skip_literal("false");
      break;
    case 'n':
      skipped = skip_literal("null");
      break;
    case '\0':
      return fail("unexpected end");
    default:
      skipped = skip_number();
  }
  if (!skipped) return skipped.error();
  return std::make_pair(begin, at_);
}

}  // namespace openclawd::inference
