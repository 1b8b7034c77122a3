// Fuzzes the `gog schema` importer: any bytes give a policy or an error, and
// a policy it writes always loads.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "openclawd/gate/gog_schema_import.hpp"
#include "openclawd/gate/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto imported = openclawd::gate::import_gog_schema(text, {});
  if (imported.ok() && !openclawd::gate::parse_policy(imported->policy_json, "fuzz").ok()) {
    std::abort();
  }
  return 0;
}
