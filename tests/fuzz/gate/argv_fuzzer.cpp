// Differential fuzzing of the gate's argv reading: libFuzzer's bytes choose
// argv words from a vocabulary of Kong's spellings (tests/unit/gate/
// argv_agreement.hpp); the gate must never allow a reading that differs from
// the independent Kong reading written in the tests. Raw bytes are also fed
// as argv words, so anything outside the vocabulary is covered too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "argv_agreement.hpp"
#include "gate_test_policy.hpp"

namespace {

struct Setup {
  std::vector<openclawd::gate::testing::KongFlag> globals;
  openclawd::gate::testing::KongNode root;
  openclawd::gate::Policy policy;
};

const Setup& setup() {
  static const Setup s = [] {
    Setup out;
    const auto text = openclawd::gate::testing::policy_json();
    out.root = openclawd::gate::testing::kong_model(text, out.globals);
    auto parsed = openclawd::gate::parse_policy(text, "fuzz-policy");
    if (!parsed.ok()) std::abort();
    out.policy = *parsed;
    return out;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& s = setup();
  const openclawd::gate::testing::KongReader kong(s.root, s.globals);
  std::size_t at = 0;
  auto next = [&](std::size_t n) -> std::size_t { return at < size ? data[at++] % n : 0; };
  auto args = openclawd::gate::testing::ArgvGenerator::make(next);
  // The rest of the input, split at NUL bytes, as further raw words.
  std::string word;
  for (; at < size; ++at) {
    if (data[at] == 0) {
      args.push_back(word);
      word.clear();
    } else {
      word.push_back(static_cast<char>(data[at]));
    }
  }
  if (!word.empty()) args.push_back(word);
  const auto why = openclawd::gate::testing::disagreement(s.policy, kong, args);
  if (!why.empty()) {
    std::fprintf(stderr, "gate and Kong disagree: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
