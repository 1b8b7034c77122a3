// libFuzzer target for everything that reads packets from guests or upstream:
// the query parser, the full message parser, and the relay that rewrites an
// upstream answer for a client (fed the same bytes as "upstream").
#include <cstddef>
#include <cstdint>

#include "openclawd/dns/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openclawd::dns;
  const ByteView packet(data, size);
  (void)parse_message(packet);
  auto query = parse_query(packet);
  if (query) {
    (void)build_empty_reply(*query, Rcode::nxdomain);
    // Relay the packet as if it were the upstream's answer to itself.
    (void)relay_answer(*query, packet, 512);
    (void)relay_answer(*query, packet, 65535);
  }
  return 0;
}
