// NFULNL_MSG_PACKET -> EgressEvent. Input comes from the kernel but is still
// checked byte by byte: a short payload or a foreign prefix is an error, never
// a read past the buffer.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include <cstring>

#include "openclawd/net/egress_log.hpp"

namespace openclawd::net {
namespace {

std::uint16_t be16_at(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

std::uint32_t be32_at(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

Status parse_prefix(std::string_view prefix, EgressEvent& event) {
  // "ocd <verdict> <vm> " as written by the rule compiler.
  if (!prefix.starts_with("ocd ")) return make_error("not an openclawd log prefix");
  prefix.remove_prefix(4);
  const auto space = prefix.find(' ');
  if (space == std::string_view::npos) return make_error("log prefix without a VM name");
  event.verdict = std::string(prefix.substr(0, space));
  std::string_view vm = prefix.substr(space + 1);
  while (!vm.empty() && (vm.back() == ' ' || vm.back() == '\0')) vm.remove_suffix(1);
  if (vm.empty() ||
      (event.verdict != "accept" && event.verdict != "drop" && event.verdict != "spoof")) {
    return make_error("malformed openclawd log prefix");
  }
  event.vm = std::string(vm);
  return ok_status();
}

void parse_payload(const std::uint8_t* p, std::size_t n, std::uint16_t hw_protocol,
                   EgressEvent& event) {
  if (hw_protocol == 0x0806) {
    event.proto = "arp";
    if (n >= 28) {
      event.src = Ipv4Address{be32_at(p + 14)};
      event.dst = Ipv4Address{be32_at(p + 24)};
    }
    return;
  }
  if (n < 20 || (p[0] >> 4) != 4) {
    event.proto = "other";
    return;
  }
  const std::size_t header = static_cast<std::size_t>(p[0] & 0x0f) * 4;
  const std::uint8_t proto = p[9];
  event.src = Ipv4Address{be32_at(p + 12)};
  event.dst = Ipv4Address{be32_at(p + 16)};
  switch (proto) {
    case 6:
      event.proto = "tcp";
      break;
    case 17:
      event.proto = "udp";
      break;
    case 1:
      event.proto = "icmp";
      break;
    default:
      event.proto = std::to_string(proto);
  }
  if ((proto == 6 || proto == 17) && header >= 20 && n >= header + 4) {
    event.sport = be16_at(p + header);
    event.dport = be16_at(p + header + 2);
  }
}

}  // namespace

Result<EgressEvent> parse_nflog_message(const void* message, std::size_t length) {
  if (length < sizeof(nlmsghdr)) return make_error("netlink message too short");
  const auto* nlh = static_cast<const nlmsghdr*>(message);
  if (nlh->nlmsg_len < sizeof(nlmsghdr) + sizeof(nfgenmsg) || nlh->nlmsg_len > length) {
    return make_error("netlink message length out of range");
  }
  if (nlh->nlmsg_type != ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET)) {
    return make_error("not an nfnetlink_log packet");
  }
  const nlattr* attrs[NFULA_MAX + 1] = {};
  const auto collect = [](const nlattr* attr, void* data) -> int {
    const int type = mnl_attr_get_type(attr);
    if (type >= 0 && type <= NFULA_MAX) static_cast<const nlattr**>(data)[type] = attr;
    return MNL_CB_OK;
  };
  if (mnl_attr_parse(nlh, sizeof(nfgenmsg), collect, attrs) < 0) {
    return make_error("malformed nfnetlink_log attributes");
  }
  EgressEvent event;
  if (attrs[NFULA_PREFIX] == nullptr) return make_error("log message without a prefix");
  const auto* prefix = static_cast<const char*>(mnl_attr_get_payload(attrs[NFULA_PREFIX]));
  const std::size_t prefix_length = strnlen(prefix, mnl_attr_get_payload_len(attrs[NFULA_PREFIX]));
  if (auto status = parse_prefix(std::string_view(prefix, prefix_length), event); !status) {
    return status.error();
  }
  std::uint16_t hw_protocol = 0x0800;
  if (attrs[NFULA_PACKET_HDR] != nullptr &&
      mnl_attr_get_payload_len(attrs[NFULA_PACKET_HDR]) >= sizeof(nfulnl_msg_packet_hdr)) {
    nfulnl_msg_packet_hdr hdr;
    std::memcpy(&hdr, mnl_attr_get_payload(attrs[NFULA_PACKET_HDR]), sizeof hdr);
    hw_protocol = ntohs(hdr.hw_protocol);
  }
  if (attrs[NFULA_TIMESTAMP] != nullptr &&
      mnl_attr_get_payload_len(attrs[NFULA_TIMESTAMP]) >= sizeof(nfulnl_msg_packet_timestamp)) {
    const auto* stamp =
        static_cast<const std::uint8_t*>(mnl_attr_get_payload(attrs[NFULA_TIMESTAMP]));
    const std::uint64_t seconds = std::uint64_t{be32_at(stamp)} << 32 | be32_at(stamp + 4);
    const std::uint64_t microseconds =
        std::uint64_t{be32_at(stamp + 8)} << 32 | be32_at(stamp + 12);
    // A zero or absurd stamp (beyond year 2286 or usec >= 1 s) is ignored, not trusted.
    if (seconds != 0 && seconds < (1ULL << 33) && microseconds < 1000000) {
      event.received = std::chrono::system_clock::time_point(
          std::chrono::seconds(seconds) + std::chrono::microseconds(microseconds));
    }
  }
  if (attrs[NFULA_PAYLOAD] != nullptr) {
    parse_payload(static_cast<const std::uint8_t*>(mnl_attr_get_payload(attrs[NFULA_PAYLOAD])),
                  mnl_attr_get_payload_len(attrs[NFULA_PAYLOAD]), hw_protocol, event);
  } else {
    event.proto = "other";
  }
  return event;
}

}  // namespace openclawd::net
