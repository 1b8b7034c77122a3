// libFuzzer target for everything that reads packets from guests or upstream:
// the query parser, the full message parser, and the relay that rewrites an
// upstream answer for a client (fed the same bytes as "upstream"), and the
// answer cache that keeps and ages such answers.
#include <cstddef>
#include <cstdint>

#include "openclawd/dns/answer_cache.hpp"
#include "openclawd/dns/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openclawd::dns;
  const ByteView packet(data, size);
  (void)parse_message(packet);
  const Bytes bytes(data, data + size);
  (void)age_ttls(bytes, 17);
  AnswerCache cache(4);
  const auto now = AnswerCache::Clock::now();
  const Question question{"fuzz.example", 1, 1};
  cache.store(question, UpstreamAnswer{bytes, false, false}, now);
  (void)cache.find(question, now + std::chrono::seconds(3));
  auto query = parse_query(packet);
  if (query) {
    (void)build_empty_reply(*query, Rcode::nxdomain);
    // Relay the packet as if it were the upstream's answer to itself.
    (void)relay_answer(*query, packet, 512);
    (void)relay_answer(*query, packet, 65535);
  }
  return 0;
}
