#pragma once
// A forward-only reader over JSON text that knows where each value starts and
// ends (nlohmann::json does not keep positions). Used on bodies that
// nlohmann::json has already accepted, but checks everything itself too: any
// surprise is an error, never a crash. Keys are decoded (escapes included),
// so "con\u0074ent" is "content".

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "openclawd/core/result.hpp"

namespace openclawd::inference {

class JsonWalker {
 public:
  JsonWalker(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

  std::size_t position() const { return at_; }
  void skip_blanks();
  // Consumes `c` (after blanks) or fails.
  Status expect(char c);
  // After blanks: is the next character `c`? Consumes it when it is.
  bool take(char c);
  char peek();  // after blanks; '\0' at the end

  // A string token, decoded.
  Result<std::string> string();
  // Skips one value of any kind; returns its [begin, end) span.
  Result<std::pair<std::size_t, std::size_t>> value(std::size_t depth = 0);

 private:
  Error fail(std::string_view what) const;
  Status skip_string();
  Status skip_literal(std::string_view literal);
  Status skip_number();
  Status skip_container(char open, char close, std::size_t depth);

  std::string_view text_;
  std::size_t max_depth_;
  std::size_t at_ = 0;
};

}  // namespace openclawd::inference
