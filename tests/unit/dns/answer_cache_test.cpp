// The daemon's own answer cache: expiry by the smallest TTL, aged TTLs on a
// hit, LRU eviction, what is never kept.
#include "openclawd/dns/answer_cache.hpp"

#include <gtest/gtest.h>

#include "wire_builder.hpp"

namespace openclawd::dns {
namespace {

using namespace std::chrono_literals;
using Clock = AnswerCache::Clock;

// An answer for `qname` A with two records (TTLs `ttl1`, `ttl2`), an OPT
// record whose TTL field (extended flags) must never be aged, and `flags`.
Bytes answer(const std::string& qname, std::uint32_t ttl1, std::uint32_t ttl2,
             std::uint16_t flags = 0x8180) {
  testing::WireBuilder b;
  b.header(7, flags, 1, 2, 0, 1).name(qname).u16(1).u16(1);
  b.pointer(12).u16(1).u16(1).u32(ttl1).u16(4).u8(192).u8(0).u8(2).u8(10);
  b.pointer(12).u16(1).u16(1).u32(ttl2).u16(4).u8(192).u8(0).u8(2).u8(11);
  b.u8(0).u16(41).u16(1232).u32(0x8000).u16(0);
  return b.bytes;
}

std::vector<std::uint32_t> ttls_of(const Bytes& packet) {
  auto message = parse_message(packet);
  EXPECT_TRUE(message.ok());
  std::vector<std::uint32_t> ttls;
  if (!message) return ttls;
  for (const auto& rr : message->answers) ttls.push_back(rr.ttl);
  for (const auto& rr : message->additional) ttls.push_back(rr.ttl);
  return ttls;
}

Question question(const std::string& name) {
  return Question{name, 1, 1};
}

TEST(AnswerCache, AHitComesBackWithAgedTtlsAndTheOptUntouched) {
  AnswerCache cache(16);
  const auto t0 = Clock::time_point{} + 1000s;
  cache.store(question("www.example"), {answer("www.example", 300, 60), false, false}, t0);
  auto hit = cache.find(question("WWW.Example"), t0 + 20s);  // names match case-insensitively
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(ttls_of(hit->packet), (std::vector<std::uint32_t>{280, 40, 0x8000}));
  EXPECT_EQ(cache.hits(), 1u);
}

TEST(AnswerCache, AnEntryLivesAsLongAsItsSmallestTtl) {
  AnswerCache cache(16);
  const auto t0 = Clock::time_point{} + 1000s;
  cache.store(question("www.example"), {answer("www.example", 300, 60), false, false}, t0);
  EXPECT_TRUE(cache.find(question("www.example"), t0 + 59s).has_value());
  EXPECT_FALSE(cache.find(question("www.example"), t0 + 60s).has_value());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(AnswerCache, OtherTypesAndNamesAreOtherEntries) {
  AnswerCache cache(16);
  const auto t0 = Clock::time_point{} + 1000s;
  cache.store(question("www.example"), {answer("www.example", 300, 300), false, false}, t0);
  EXPECT_FALSE(cache.find(Question{"www.example", 28, 1}, t0).has_value());
  EXPECT_FALSE(cache.find(question("www2.example"), t0).has_value());
}

TEST(AnswerCache, TheLeastRecentlyUsedEntryGoesWhenFull) {
  AnswerCache cache(2);
  const auto t0 = Clock::time_point{} + 1000s;
  cache.store(question("a.example"), {answer("a.example", 300, 300), false, false}, t0);
  cache.store(question("b.example"), {answer("b.example", 300, 300), false, false}, t0);
  ASSERT_TRUE(cache.find(question("a.example"), t0).has_value());  // a is now the most recent
  cache.store(question("c.example"), {answer("c.example", 300, 300), false, false}, t0);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find(question("a.example"), t0).has_value());
  EXPECT_FALSE(cache.find(question("b.example"), t0).has_value());
  EXPECT_TRUE(cache.find(question("c.example"), t0).has_value());
}

TEST(AnswerCache, FailuresTruncationBogusAndZeroTtlAreNeverKept) {
  AnswerCache cache(16);
  const auto t0 = Clock::time_point{} + 1000s;
  cache.store(question("a.example"), {answer("a.example", 300, 300, 0x8182), false, false},
              t0);  // SERVFAIL
  cache.store(question("b.example"), {answer("b.example", 300, 300, 0x8380), false, false},
              t0);                                                                       // TC
  cache.store(question("c.example"), {answer("c.example", 300, 300), false, true}, t0);  // bogus
  cache.store(question("d.example"), {answer("d.example", 0, 300), false, false}, t0);
  cache.store(question("e.example"), {Bytes{1, 2, 3}, false, false}, t0);  // does not parse
  EXPECT_EQ(cache.size(), 0u);
  AnswerCache off(0);
  off.store(question("a.example"), {answer("a.example", 300, 300), false, false}, t0);
  EXPECT_EQ(off.size(), 0u);
}

TEST(AnswerCache, AgingNeverGoesBelowZero) {
  auto aged = age_ttls(answer("www.example", 5, 100), 10);
  ASSERT_TRUE(aged.ok());
  EXPECT_EQ(ttls_of(*aged), (std::vector<std::uint32_t>{0, 90, 0x8000}));
}

}  // namespace
}  // namespace openclawd::dns
