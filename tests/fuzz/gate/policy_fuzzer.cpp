// Fuzzes the gate's policy loader: any bytes give a Policy or an Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "openclawd/gate/decision.hpp"
#include "openclawd/gate/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto policy = openclawd::gate::parse_policy(text, "fuzz.json");
  if (policy.ok()) {
    (void)policy->enabled_commands();
    (void)openclawd::gate::decide(*policy, "gog gmail messages search 'a b'");
  }
  return 0;
}
