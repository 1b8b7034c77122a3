#include "matches.hpp"

// netinet/in.h before the linux headers, which would define in_addr again.
#include <netinet/in.h>
// clang-format off

#include <fmt/format.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

// clang-format on
#include <cstring>

namespace openclawd::net::match {
namespace {

constexpr std::size_t kIfNameSize = 16;

std::vector<std::uint8_t> be16(std::uint16_t v) {
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

std::vector<std::uint8_t> be32(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

// ct state is compared in host byte order, as nft does.
std::vector<std::uint8_t> host32(std::uint32_t v) {
  std::vector<std::uint8_t> out(4);
  std::memcpy(out.data(), &v, 4);
  return out;
}

Load meta(std::uint32_t key, std::uint32_t length) {
  return Load{Load::Source::meta, key, 0, 0, length};
}

Load payload(std::uint32_t base, std::uint32_t offset, std::uint32_t length) {
  return Load{Load::Source::payload, 0, base, offset, length};
}

Match ifname(std::string_view keyword, std::uint32_t key, std::string_view name) {
  std::vector<std::uint8_t> padded(kIfNameSize, 0);
  std::memcpy(padded.data(), name.data(), std::min(name.size(), kIfNameSize - 1));
  return Match{fmt::format("{} \"{}\"", keyword, name),
               meta(key, kIfNameSize),
               {},
               Match::Op::eq,
               padded,
               {}};
}

Match address(std::string_view field, std::uint32_t offset, Ipv4Address a, bool negate) {
  return Match{fmt::format("ip {} {}{}", field, negate ? "!= " : "", a.to_string()),
               payload(NFT_PAYLOAD_NETWORK_HEADER, offset, 4),
               {},
               negate ? Match::Op::neq : Match::Op::eq,
               be32(a.value),
               {}};
}

Match subnet(std::string_view field, std::uint32_t offset, const Ipv4Interface& net, bool negate) {
  return Match{fmt::format("ip {} {}{}/{}", field, negate ? "!= " : "", net.network().to_string(),
                           net.prefix_length),
               payload(NFT_PAYLOAD_NETWORK_HEADER, offset, 4),
               be32(net.netmask()),
               negate ? Match::Op::neq : Match::Op::eq,
               be32(net.network().value),
               {}};
}

}  // namespace

Match iifname(std::string_view name) {
  return ifname("iifname", NFT_META_IIFNAME, name);
}

Match oifname(std::string_view name) {
  return ifname("oifname", NFT_META_OIFNAME, name);
}

Match ether_type_ip() {
  return Match{
      "ether type ip", payload(NFT_PAYLOAD_LL_HEADER, 12, 2), {}, Match::Op::eq, be16(0x0800), {}};
}

Match ether_type_arp() {
  return Match{
      "ether type arp", payload(NFT_PAYLOAD_LL_HEADER, 12, 2), {}, Match::Op::eq, be16(0x0806), {}};
}

Match ether_type_ip6() {
  return Match{
      "ether type ip6", payload(NFT_PAYLOAD_LL_HEADER, 12, 2), {}, Match::Op::eq, be16(0x86dd), {}};
}

Match ether_saddr_not(const MacAddress& mac) {
  return Match{"ether saddr != " + mac.to_string(),
               payload(NFT_PAYLOAD_LL_HEADER, 6, 6),
               {},
               Match::Op::neq,
               std::vector<std::uint8_t>(mac.bytes.begin(), mac.bytes.end()),
               {}};
}

Match arp_sender_ip_not(Ipv4Address a) {
  return Match{"arp saddr ip != " + a.to_string(),
               payload(NFT_PAYLOAD_NETWORK_HEADER, 14, 4),
               {},
               Match::Op::neq,
               be32(a.value),
               {}};
}

Match nfproto_ipv4() {
  return Match{
      "meta nfproto ipv4", meta(NFT_META_NFPROTO, 1), {}, Match::Op::eq, {NFPROTO_IPV4}, {}};
}

Match ip_saddr(Ipv4Address a, bool negate) {
  return address("saddr", 12, a, negate);
}

Match ip_daddr(Ipv4Address a, bool negate) {
  return address("daddr", 16, a, negate);
}

Match ip_saddr_in(const Ipv4Interface& net) {
  return subnet("saddr", 12, net, false);
}

Match ip_daddr_not_in(const Ipv4Interface& net) {
  return subnet("daddr", 16, net, true);
}

Match ip_daddr_in_set(std::string_view set) {
  return Match{fmt::format("ip daddr @{}", set),
               payload(NFT_PAYLOAD_NETWORK_HEADER, 16, 4),
               {},
               Match::Op::lookup,
               {},
               std::string(set)};
}

Match l4proto(std::string_view proto) {
  const std::uint8_t number = proto == "udp" ? IPPROTO_UDP : IPPROTO_TCP;
  return Match{fmt::format("meta l4proto {}", proto),
               meta(NFT_META_L4PROTO, 1),
               {},
               Match::Op::eq,
               {number},
               {}};
}

Match dport(std::uint16_t port) {
  return Match{fmt::format("th dport {}", port),
               payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2),
               {},
               Match::Op::eq,
               be16(port),
               {}};
}

Match sport(std::uint16_t port) {
  return Match{fmt::format("th sport {}", port),
               payload(NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2),
               {},
               Match::Op::eq,
               be16(port),
               {}};
}

Match tcp_not_syn_only() {
  constexpr std::uint8_t kSyn = 0x02, kAck = 0x10;
  return Match{"tcp flags & (syn|ack) != syn",
               payload(NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1),
               {kSyn | kAck},
               Match::Op::neq,
               {kSyn},
               {}};
}

Match ct_established_or_related() {
  Load load{Load::Source::ct, NFT_CT_STATE, 0, 0, 4};
  return Match{"ct state established,related",
               load,
               host32(NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED)),
               Match::Op::neq,
               host32(0),
               {}};
}

Match ct_new() {
  Load load{Load::Source::ct, NFT_CT_STATE, 0, 0, 4};
  return Match{"ct state new", load,      host32(NF_CT_STATE_BIT(IP_CT_NEW)),
               Match::Op::neq, host32(0), {}};
}

}  // namespace openclawd::net::match
