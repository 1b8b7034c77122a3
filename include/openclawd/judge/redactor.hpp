#pragma once
// Removes credentials from text before it leaves the host for the LLM API:
// API keys, bearer tokens, private keys, JWTs, "password=..." assignments and
// every secret the daemon itself knows (gateway tokens, the keys it hands to
// the guests). Patterns are RE2 (linear time on hostile input).

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace openclawd::judge {

using re2::RE2;

struct Redaction {
  std::string text;
  std::size_t replaced = 0;  // how many secrets were replaced
};

// One credential found in a text: [begin, end), of which the first `keep`
// bytes stay (the "api_key=" of an assignment).
struct RedactionSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t keep = 0;
  std::string kind;  // api_key, bearer_token, private_key, known_secret, ...
};

class Redactor {
 public:
  Redactor();
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // Secrets known to the daemon, replaced wherever they appear. Values shorter
  // than 6 bytes are ignored (they would redact ordinary words). Thread-safe.
  void set_known_secrets(std::vector<std::string> secrets);

  Redaction redact(std::string_view text) const;
  // The credentials in `text`, sorted and not overlapping (what redact() replaces).
  std::vector<RedactionSpan> find(std::string_view text) const;
  // `text` with each span replaced by its marker.
  static std::string apply(std::string_view text, const std::vector<RedactionSpan>& spans);
  // Where a credential may begin whose value the end of `text` has not reached
  // yet ("Bearer ", "api_key = ", a private key block without its END line);
  // npos when there is none. For text that arrives in pieces.
  std::size_t unfinished_start(std::string_view text) const;
  // The end of the first private key END line in `text`, or npos.
  static std::size_t private_key_end(std::string_view text);
  // What replaces a credential of `kind`: "[REDACTED:api_key]".
  static std::string marker(std::string_view kind);

 private:
  struct Patterns;
  std::unique_ptr<Patterns> patterns_;
  std::unique_ptr<RE2> opener_;  // words that open a credential, at the end of a text
  mutable std::mutex mutex_;
  std::vector<std::string> known_secrets_;  // longest first
};

}  // namespace openclawd::judge
