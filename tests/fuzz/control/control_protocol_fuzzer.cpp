// Fuzzes the control-protocol parsers (request lines from any local user,
// response lines for the CLI) and the registry dispatch of what parses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "openclawd/control/command_registry.hpp"
#include "openclawd/control/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openclawd::control;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  static const CommandRegistry registry;  // only the built-in list-commands
  if (auto request = parse_request(line); request.ok()) {
    (void)serialize_request(*request);
    Peer peer;
    registry.dispatch(*request, peer,
                      [](Response response) { (void)serialize_response(response); });
  }
  if (auto response = parse_response(line); response.ok()) {
    (void)serialize_response(*response);
  }
  return 0;
}
