// Decoding nfnetlink_log packet messages into egress events.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include <array>
#include <chrono>
#include <cstring>
#include <optional>
#include <vector>

#include "openclawd/net/egress_log.hpp"

namespace openclawd::net {
namespace {

// An IPv4/TCP header 192.168.83.2:40000 -> 192.168.83.130:80.
std::vector<std::uint8_t> tcp_packet() {
  std::vector<std::uint8_t> p(40, 0);
  p[0] = 0x45;
  p[9] = 6;
  const std::uint8_t src[] = {192, 168, 83, 2}, dst[] = {192, 168, 83, 130};
  std::memcpy(&p[12], src, 4);
  std::memcpy(&p[16], dst, 4);
  p[20] = 40000 >> 8;
  p[21] = 40000 & 0xff;
  p[23] = 80;
  return p;
}

// NFULA_TIMESTAMP's payload: two big-endian 64-bit numbers, seconds and microseconds.
struct Stamp {
  std::uint64_t seconds = 0;
  std::uint64_t microseconds = 0;
};

std::vector<char> message(const char* prefix, const std::vector<std::uint8_t>& payload,
                          std::uint16_t hw_protocol = 0x0800,
                          std::optional<Stamp> stamp = std::nullopt) {
  std::vector<char> buffer(1024, 0);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data());
  nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
  mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg));
  nfulnl_msg_packet_hdr hdr{};
  hdr.hw_protocol = htons(hw_protocol);
  mnl_attr_put(nlh, NFULA_PACKET_HDR, sizeof hdr, &hdr);
  if (prefix != nullptr) mnl_attr_put_strz(nlh, NFULA_PREFIX, prefix);
  mnl_attr_put(nlh, NFULA_PAYLOAD, payload.size(), payload.data());
  if (stamp) {
    std::array<std::uint8_t, 16> bytes{};
    for (int i = 0; i < 8; ++i) {
      bytes[static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(stamp->seconds >> (56 - 8 * i));
      bytes[static_cast<std::size_t>(8 + i)] =
          static_cast<std::uint8_t>(stamp->microseconds >> (56 - 8 * i));
    }
    mnl_attr_put(nlh, NFULA_TIMESTAMP, bytes.size(), bytes.data());
  }
  buffer.resize(nlh->nlmsg_len);
  return buffer;
}

TEST(NflogParse, DecodesVmVerdictAddressesAndPorts) {
  const auto m = message("ocd accept openclaw ", tcp_packet());
  auto event = parse_nflog_message(m.data(), m.size());
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->vm, "openclaw");
  EXPECT_EQ(event->verdict, "accept");
  EXPECT_EQ(event->proto, "tcp");
  EXPECT_EQ(event->src->to_string(), "192.168.83.2");
  EXPECT_EQ(event->dst->to_string(), "192.168.83.130");
  EXPECT_EQ(*event->sport, 40000);
  EXPECT_EQ(*event->dport, 80);
}

TEST(NflogParse, KeepsTheKernelTimestampAndIgnoresImpossibleOnes) {
  const auto stamped = message("ocd drop gogcli ", tcp_packet(), 0x0800, Stamp{1795000000, 123456});
  auto event = parse_nflog_message(stamped.data(), stamped.size());
  ASSERT_TRUE(event.ok());
  ASSERT_TRUE(event->received.has_value());
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::microseconds>(event->received->time_since_epoch())
          .count(),
      1795000000LL * 1000000 + 123456);
  for (const Stamp bad : {Stamp{0, 0}, Stamp{1795000000, 1000000}, Stamp{~0ULL, 0}}) {
    const auto m = message("ocd drop gogcli ", tcp_packet(), 0x0800, bad);
    auto parsed = parse_nflog_message(m.data(), m.size());
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(parsed->received.has_value()) << bad.seconds << "." << bad.microseconds;
  }
  const auto plain = message("ocd drop gogcli ", tcp_packet());
  EXPECT_FALSE(parse_nflog_message(plain.data(), plain.size())->received.has_value());
}

TEST(NflogParse, TruncatedTransportHeaderHasNoPorts) {
  auto packet = tcp_packet();
  packet.resize(22);
  const auto m = message("ocd drop gogcli ", packet);
  auto event = parse_nflog_message(m.data(), m.size());
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->verdict, "drop");
  EXPECT_FALSE(event->sport.has_value());
}

TEST(NflogParse, RejectsForeignAndMalformedMessages) {
  for (const char* prefix : {"", "someone else ", "ocd ", "ocd maybe openclaw ", "ocd accept "}) {
    const auto m = message(prefix, tcp_packet());
    EXPECT_FALSE(parse_nflog_message(m.data(), m.size()).ok()) << "'" << prefix << "'";
  }
  const auto no_prefix = message(nullptr, tcp_packet());
  EXPECT_FALSE(parse_nflog_message(no_prefix.data(), no_prefix.size()).ok());
  const auto good = message("ocd accept openclaw ", tcp_packet());
  EXPECT_FALSE(parse_nflog_message(good.data(), good.size() - 8).ok()) << "length beyond buffer";
  EXPECT_FALSE(parse_nflog_message(good.data(), 4).ok());
}

}  // namespace
}  // namespace openclawd::net
