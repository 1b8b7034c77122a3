// Fuzzes the config loader: any bytes must give a Config or an Error, never a
// crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "openclawd/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The same path as load_config after reading the file, JSON syntax included.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = openclawd::config::parse_config_text(text, "/nonexistent/openclawd.json");
  if (config.ok()) {
    (void)openclawd::config::to_json(*config).dump();
    (void)config->start_order();
  } else {
    (void)config.error().message.size();
  }
  return 0;
}
