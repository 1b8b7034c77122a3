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

namespace openclawd::judge {

struct Redaction {
  std::string text;
  std::size_t replaced = 0;  // how many secrets were replaced
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

 private:
  struct Patterns;
  std::unique_ptr<Patterns> patterns_;
  mutable std::mutex mutex_;
  std::vector<std::string> known_secrets_;  // longest first
};

}  // namespace openclawd::judge
