#pragma once
// Credentials removed from a model's reply while it streams. Text is released
// as soon as no credential can still be growing at its end: the last,
// unfinished word is held back, and so are the words before it when they open
// a credential ("Bearer ", "api_key = ", "-----BEGIN ... PRIVATE KEY"), so a
// key split across chunks is caught whole. A run without blanks longer than
// `max_hold` is released (redacted as far as it can be judged) rather than
// held for ever; an unterminated private key block is then swallowed until
// its END line.

#include <cstddef>
#include <string>
#include <string_view>

#include "openclawd/judge/redactor.hpp"

namespace openclawd::inference {

class StreamRedactor {
 public:
  explicit StreamRedactor(const judge::Redactor& redactor, std::size_t max_hold = 4096)
      : redactor_(&redactor), max_hold_(max_hold) {}

  // The next piece of the reply in; the redacted text that may go out now.
  std::string push(std::string_view piece);
  // The reply is complete: the rest, redacted.
  std::string finish();

  std::size_t redactions() const { return redactions_; }
  std::size_t held() const { return pending_.size(); }

 private:
  std::size_t safe_end() const;
  std::string release(std::size_t end);

  const judge::Redactor* redactor_;
  std::size_t max_hold_;
  std::string pending_;
  bool swallowing_key_ = false;  // inside a private key block released at the cap
  std::size_t redactions_ = 0;
};

}  // namespace openclawd::inference
