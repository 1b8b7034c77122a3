// parse_nflog_message on arbitrary bytes: an error or an event, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "openclawd/net/egress_log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy with netlink alignment, as the reader's receive buffer has.
  std::vector<std::uint32_t> aligned((size + 3) / 4 + 1);
  std::memcpy(aligned.data(), data, size);
  (void)openclawd::net::parse_nflog_message(aligned.data(), size);
  return 0;
}
