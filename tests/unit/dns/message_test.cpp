#include "openclawd/dns/message.hpp"

#include <gtest/gtest.h>

#include "wire_builder.hpp"

namespace openclawd::dns {
namespace {

using testing::make_query;
using testing::WireBuilder;

// An upstream-style answer: id 0, question (lower case), `count` A records
// whose owner is a pointer to the question, and an OPT at the end.
std::vector<std::uint8_t> make_answer(const std::string& qname, int count, std::uint32_t ttl,
                                      bool with_opt = true) {
  WireBuilder b;
  b.header(0, 0x8180, 1, static_cast<std::uint16_t>(count), 0, with_opt ? 1 : 0)
      .name(qname)
      .u16(kTypeA)
      .u16(1);
  for (int i = 0; i < count; ++i) {
    b.pointer(12).u16(kTypeA).u16(1).u32(ttl).u16(4).u8(192).u8(0).u8(2).u8(
        static_cast<std::uint8_t>(i + 1));
  }
  if (with_opt) b.opt(4096, false);
  return b.bytes;
}

TEST(DnsMessage, ParsesAQueryWithEdns) {
  auto packet = make_query(0x1234, "WWW.Example.com", kTypeAaaa, true, 4096);
  auto query = parse_query(packet);
  ASSERT_TRUE(query) << query.error().message;
  EXPECT_EQ(query->id, 0x1234);
  EXPECT_EQ(query->question.name, "WWW.Example.com");
  EXPECT_EQ(query->question.type, kTypeAaaa);
  EXPECT_TRUE(query->recursion_desired());
  EXPECT_TRUE(query->has_edns);
  EXPECT_EQ(query->edns_udp_size, 4096);
  // We never promise more than our own EDNS size.
  EXPECT_EQ(query->max_udp_reply(), kOurEdnsUdpSize);
}

TEST(DnsMessage, ClassicQueryGets512Bytes) {
  auto query = parse_query(make_query(1, "a.example", kTypeA));
  ASSERT_TRUE(query);
  EXPECT_FALSE(query->has_edns);
  EXPECT_EQ(query->max_udp_reply(), 512u);
}

TEST(DnsMessage, RejectsMalformedQueries) {
  auto good = make_query(7, "www.example.com", kTypeA);
  // Truncated header and truncated question.
  EXPECT_FALSE(parse_query(ByteView(good.data(), 11)));
  EXPECT_FALSE(parse_query(ByteView(good.data(), good.size() - 1)));
  // A response instead of a query.
  auto response = good;
  response[2] |= 0x80;
  EXPECT_FALSE(parse_query(response));
  // Label length running past the end.
  auto bad_label = good;
  bad_label[12] = 60;
  EXPECT_FALSE(parse_query(bad_label));
  // Reserved label type 0x40.
  auto bad_type = good;
  bad_type[12] = 0x41;
  EXPECT_FALSE(parse_query(bad_type));
  // Two questions.
  auto two = good;
  two[5] = 2;
  EXPECT_FALSE(parse_query(two));
}

TEST(DnsMessage, CompressionLoopsAreErrorsNotHangs) {
  // A name that points at itself.
  WireBuilder self;
  self.header(1, 0, 1, 0, 0, 0).pointer(12).u16(1).u16(1);
  auto result = parse_message(self.bytes);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("backwards"), std::string::npos);
  // Two names pointing at each other (the second forward).
  WireBuilder pair;
  pair.header(1, 0, 2, 0, 0, 0).pointer(18).u16(1).u16(1).pointer(12).u16(1).u16(1);
  EXPECT_FALSE(parse_message(pair.bytes));
}

TEST(DnsMessage, FollowsBackwardPointersAndLimitsNameLength) {
  WireBuilder b;
  b.header(1, 0x8180, 1, 1, 0, 0).name("example.com").u16(kTypeCname).u16(1);
  // www.<pointer to example.com>  CNAME  cdn.<pointer>
  b.u8(3).u8('w').u8('w').u8('w').pointer(12).u16(kTypeCname).u16(1).u32(60).u16(6);
  b.u8(3).u8('c').u8('d').u8('n').pointer(12);
  auto message = parse_message(b.bytes);
  ASSERT_TRUE(message) << message.error().message;
  ASSERT_EQ(message->answers.size(), 1u);
  EXPECT_EQ(message->answers[0].name, "www.example.com");
  EXPECT_EQ(message->answers[0].rdata_text, "cdn.example.com");

  // 5 labels of 63 bytes: 320 bytes of name, more than 255.
  WireBuilder longname;
  longname.header(1, 0, 1, 0, 0, 0);
  for (int i = 0; i < 5; ++i) {
    longname.u8(63);
    for (int j = 0; j < 63; ++j) longname.u8('a');
  }
  longname.u8(0).u16(1).u16(1);
  EXPECT_FALSE(parse_message(longname.bytes));
}

TEST(DnsMessage, RelayUsesClientIdCaseAndEdns) {
  auto query = parse_query(make_query(0xbeef, "WwW.Example.COM", kTypeA, false));
  ASSERT_TRUE(query);
  auto upstream = make_answer("www.example.com", 2, 300, true);
  auto reply = relay_answer(*query, upstream, 512);
  ASSERT_TRUE(reply) << reply.error().message;
  auto message = parse_message(*reply);
  ASSERT_TRUE(message) << message.error().message;
  EXPECT_EQ(message->id, 0xbeef);
  EXPECT_EQ(message->questions[0].name, "WwW.Example.COM");
  EXPECT_TRUE(message->flags & 0x8000);  // QR
  EXPECT_TRUE(message->flags & 0x0100);  // RD mirrored
  EXPECT_TRUE(message->flags & 0x0080);  // RA
  ASSERT_EQ(message->answers.size(), 2u);
  EXPECT_EQ(message->answers[1].rdata_text, "192.0.2.2");
  EXPECT_EQ(message->answers[0].ttl, 300u);
  // The client sent no EDNS, so the upstream's OPT is gone.
  EXPECT_TRUE(message->additional.empty());

  auto edns_query = parse_query(make_query(2, "www.example.com", kTypeA, true, 1400));
  ASSERT_TRUE(edns_query);
  auto edns_reply = relay_answer(*edns_query, upstream, edns_query->max_udp_reply());
  ASSERT_TRUE(edns_reply);
  auto edns_message = parse_message(*edns_reply);
  ASSERT_TRUE(edns_message);
  ASSERT_EQ(edns_message->additional.size(), 1u);
  EXPECT_EQ(edns_message->additional[0].type, kTypeOpt);
  EXPECT_EQ(edns_message->additional[0].klass, kOurEdnsUdpSize);
}

TEST(DnsMessage, RelaySetsTcWhenTheAnswerDoesNotFit) {
  auto query = parse_query(make_query(9, "big.example", kTypeA));
  ASSERT_TRUE(query);
  auto upstream = make_answer("big.example", 40, 60, false);  // 40 * 16 bytes > 512
  auto reply = relay_answer(*query, upstream, 512);
  ASSERT_TRUE(reply);
  EXPECT_LE(reply->size(), 512u);
  auto message = parse_message(*reply);
  ASSERT_TRUE(message);
  EXPECT_TRUE(message->flags & 0x0200);  // TC
  EXPECT_TRUE(message->answers.empty());
  EXPECT_EQ(message->id, 9);
  // Over TCP the same answer fits whole.
  auto whole = relay_answer(*query, upstream, 65535);
  ASSERT_TRUE(whole);
  EXPECT_EQ(parse_message(*whole)->answers.size(), 40u);
}

TEST(DnsMessage, RelayRejectsAnAnswerForAnotherQuestion) {
  auto query = parse_query(make_query(9, "one.example", kTypeA));
  ASSERT_TRUE(query);
  EXPECT_FALSE(relay_answer(*query, make_answer("two.example", 1, 60), 512));
}

TEST(DnsMessage, EmptyReplyCarriesRcodeAndQuestion) {
  auto query = parse_query(make_query(77, "blocked.example", kTypeA, true));
  ASSERT_TRUE(query);
  auto reply = build_empty_reply(*query, Rcode::nxdomain);
  auto message = parse_message(reply);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->id, 77);
  EXPECT_EQ(message->rcode(), 3);
  EXPECT_EQ(message->questions[0].name, "blocked.example");
  EXPECT_EQ(message->additional.size(), 1u);  // OPT echoed for an EDNS client
}

}  // namespace
}  // namespace openclawd::dns
