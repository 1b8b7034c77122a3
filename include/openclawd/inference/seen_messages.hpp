#pragma once
// What the gateway remembers of the messages it has scanned, per VM: an agent
// sends its whole conversation on every turn, and only messages not seen
// before are scanned again. A message is known by a hash of its source and
// text (SHA-256, 128 bits kept: a guest cannot make a new text look like a
// scanned one); each VM keeps at most `capacity` verdicts, least recently
// used first out. Event loop thread only.

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "openclawd/defender/layer.hpp"

namespace openclawd::inference {

class SeenMessages {
 public:
  using Key = std::array<std::uint8_t, 16>;

  struct Verdict {
    defender::Action action = defender::Action::allow;
    std::string rules;      // the blocking rules, for the notice ("instruction_override.en")
    std::string sanitized;  // action sanitize: the text as it went upstream
  };

  explicit SeenMessages(std::size_t capacity_per_vm) : capacity_(capacity_per_vm) {}

  static Key key(std::string_view source, std::string_view text);

  // The remembered verdict (and the entry becomes the most recent), or null.
  const Verdict* find(const std::string& vm, const Key& key);
  void remember(const std::string& vm, const Key& key, Verdict verdict);

  std::size_t size(const std::string& vm) const;
  std::size_t capacity() const { return capacity_; }

 private:
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };
  struct Entry {
    Key key;
    Verdict verdict;
  };
  struct PerVm {
    std::list<Entry> recency;  // front: most recent
    std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index;
  };

  std::size_t capacity_;
  std::map<std::string, PerVm, std::less<>> vms_;
};

}  // namespace openclawd::inference
