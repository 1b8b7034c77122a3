#include "openclawd/dns/message.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace openclawd::dns {
namespace {

constexpr std::size_t kMaxNameLength = 255;  // wire length, RFC 1035 2.3.4
constexpr int kMaxPointerHops = 64;          // more than any honest message needs
constexpr std::uint16_t kFlagQr = 0x8000;
constexpr std::uint16_t kFlagTc = 0x0200;
constexpr std::uint16_t kFlagRd = 0x0100;
constexpr std::uint16_t kFlagRa = 0x0080;
constexpr std::uint16_t kFlagCd = 0x0010;

std::uint16_t get16(ByteView p, std::size_t at) {
  return static_cast<std::uint16_t>((p[at] << 8) | p[at + 1]);
}
std::uint32_t get32(ByteView p, std::size_t at) {
  return (std::uint32_t{p[at]} << 24) | (std::uint32_t{p[at + 1]} << 16) |
         (std::uint32_t{p[at + 2]} << 8) | std::uint32_t{p[at + 3]};
}
void put16(Bytes& out, std::size_t at, std::uint16_t v) {
  out[at] = static_cast<std::uint8_t>(v >> 8);
  out[at + 1] = static_cast<std::uint8_t>(v & 0xff);
}
void append16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

Result<Question> read_question(ByteView packet, std::size_t& offset) {
  auto name = read_name(packet, offset);
  if (!name) return name.error();
  if (offset + 4 > packet.size()) return make_error("question truncated after the name");
  Question q{std::move(*name), get16(packet, offset), get16(packet, offset + 2)};
  offset += 4;
  return q;
}

std::string rdata_to_text(ByteView packet, std::uint16_t type, std::size_t at,
                          std::uint16_t length) {
  char text[INET6_ADDRSTRLEN] = {};
  if (type == kTypeA && length == 4) {
    ::inet_ntop(AF_INET, packet.data() + at, text, sizeof(text));
    return text;
  }
  if (type == kTypeAaaa && length == 16) {
    ::inet_ntop(AF_INET6, packet.data() + at, text, sizeof(text));
    return text;
  }
  if (type == kTypeCname || type == kTypeNs || type == kTypePtr) {
    std::size_t offset = at;
    auto name = read_name(packet, offset);
    if (name && offset <= at + length) return *name;
  }
  return {};
}

Result<ResourceRecord> read_record(ByteView packet, std::size_t& offset) {
  auto name = read_name(packet, offset);
  if (!name) return name.error();
  if (offset + 10 > packet.size()) return make_error("resource record truncated after the name");
  ResourceRecord rr;
  rr.name = std::move(*name);
  rr.type = get16(packet, offset);
  rr.klass = get16(packet, offset + 2);
  rr.ttl = get32(packet, offset + 4);
  rr.rdata_length = get16(packet, offset + 8);
  rr.rdata_offset = offset + 10;
  if (rr.rdata_offset + rr.rdata_length > packet.size()) {
    return make_error(fmt::format("record {} claims {} bytes of data past the end of the packet",
                                  rr.name, rr.rdata_length));
  }
  rr.rdata_text = rdata_to_text(packet, rr.type, rr.rdata_offset, rr.rdata_length);
  offset = rr.rdata_offset + rr.rdata_length;
  return rr;
}

void append_opt(Bytes& out, const Query& query) {
  out.push_back(0);  // root owner name
  append16(out, kTypeOpt);
  append16(out, kOurEdnsUdpSize);
  out.push_back(0);  // extended rcode
  out.push_back(0);  // version 0
  append16(out, query.dnssec_ok ? 0x8000 : 0);
  append16(out, 0);  // no options
}

Bytes reply_header_and_question(const Query& query, std::uint16_t flags) {
  Bytes out;
  out.reserve(kHeaderSize + query.question_wire.size() + 11);
  for (std::uint16_t word : {query.id, flags, std::uint16_t{1}, std::uint16_t{0}, std::uint16_t{0},
                             static_cast<std::uint16_t>(query.has_edns ? 1 : 0)}) {
    append16(out, word);
  }
  for (std::uint8_t byte : query.question_wire) out.push_back(byte);
  return out;
}

bool same_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::string rcode_name(int rcode) {
  switch (rcode) {
    case 0:
      return "NOERROR";
    case 1:
      return "FORMERR";
    case 2:
      return "SERVFAIL";
    case 3:
      return "NXDOMAIN";
    case 4:
      return "NOTIMP";
    case 5:
      return "REFUSED";
    default:
      return fmt::format("RCODE{}", rcode);
  }
}

std::string type_name(std::uint16_t type) {
  switch (type) {
    case kTypeA:
      return "A";
    case kTypeNs:
      return "NS";
    case kTypeCname:
      return "CNAME";
    case kTypeSoa:
      return "SOA";
    case kTypePtr:
      return "PTR";
    case kTypeMx:
      return "MX";
    case kTypeTxt:
      return "TXT";
    case kTypeAaaa:
      return "AAAA";
    case 33:
      return "SRV";
    case kTypeOpt:
      return "OPT";
    case 65:
      return "HTTPS";
    case 255:
      return "ANY";
    default:
      return fmt::format("TYPE{}", type);
  }
}

std::size_t Query::max_udp_reply() const {
  if (!has_edns) return kClassicUdpSize;
  return std::clamp<std::size_t>(edns_udp_size, kClassicUdpSize, kOurEdnsUdpSize);
}

Result<std::string> read_name(ByteView packet, std::size_t& offset) {
  std::string name;
  std::size_t at = offset;
  std::size_t wire_length = 0;
  int hops = 0;
  bool jumped = false;
  while (true) {
    if (at >= packet.size()) return make_error("name runs past the end of the packet");
    const std::uint8_t length = packet[at];
    if ((length & 0xc0) == 0xc0) {
      if (at + 1 >= packet.size()) return make_error("compression pointer truncated");
      const std::size_t target = get16(packet, at) & 0x3fff;
      // Only backwards: a pointer to itself or forward could loop.
      if (target >= at) return make_error("compression pointer does not point backwards");
      if (++hops > kMaxPointerHops) return make_error("too many compression pointers");
      if (!jumped) offset = at + 2;
      jumped = true;
      at = target;
      continue;
    }
    if ((length & 0xc0) != 0) return make_error(fmt::format("bad label type 0x{:02x}", length));
    wire_length += length + 1u;
    if (wire_length > kMaxNameLength) return make_error("name longer than 255 bytes");
    if (length == 0) {
      if (!jumped) offset = at + 1;
      return name;
    }
    if (at + 1 + length > packet.size()) return make_error("label runs past the end of the packet");
    if (!name.empty()) name.push_back('.');
    for (std::size_t i = 0; i < length; ++i) {
      const char c = static_cast<char>(packet[at + 1 + i]);
      // Keep the log and policy readable: escape what is not a printable name byte.
      if (c == '.' || c == '\\' || std::isprint(static_cast<unsigned char>(c)) == 0 || c == ' ') {
        name += fmt::format("\\{:03d}", static_cast<unsigned char>(c));
      } else {
        name.push_back(c);
      }
    }
    at += 1 + length;
  }
}

Result<Query> parse_query(ByteView packet) {
  if (packet.size() < kHeaderSize) {
    return make_error(
        fmt::format("packet of {} bytes is shorter than a DNS header", packet.size()));
  }
  Query query;
  query.id = get16(packet, 0);
  query.flags = get16(packet, 2);
  if ((query.flags & kFlagQr) != 0) return make_error("packet is a response, not a query");
  if (((query.flags >> 11) & 0xf) != 0) return make_error("opcode is not QUERY");
  if (get16(packet, 4) != 1) return make_error("query must carry exactly one question");
  if (get16(packet, 6) != 0 || get16(packet, 8) != 0) {
    return make_error("query carries answer or authority records");
  }
  std::size_t offset = kHeaderSize;
  auto question = read_question(packet, offset);
  if (!question) return question.error();
  query.question = std::move(*question);
  query.question_wire.assign(packet.begin() + kHeaderSize,
                             packet.begin() + static_cast<long>(offset));
  const std::uint16_t additional = get16(packet, 10);
  for (std::uint16_t i = 0; i < additional; ++i) {
    auto rr = read_record(packet, offset);
    if (!rr) return rr.error();
    if (rr->type != kTypeOpt) continue;
    if (query.has_edns) return make_error("more than one OPT record");
    if (!rr->name.empty()) return make_error("OPT record owner is not the root");
    query.has_edns = true;
    query.edns_udp_size = rr->klass;
    query.dnssec_ok = (rr->ttl & 0x8000) != 0;
  }
  // The question was written as the client sent it; a compressed question name
  // would point nowhere in our reply, so rebuild it uncompressed.
  if (query.question_wire.size() < 5 || query.question_wire[0] >= 0xc0) {
    return make_error("compressed question name");
  }
  return query;
}

Result<Message> parse_message(ByteView packet) {
  if (packet.size() < kHeaderSize) {
    return make_error(
        fmt::format("packet of {} bytes is shorter than a DNS header", packet.size()));
  }
  Message message;
  message.id = get16(packet, 0);
  message.flags = get16(packet, 2);
  std::size_t offset = kHeaderSize;
  for (std::uint16_t i = 0, n = get16(packet, 4); i < n; ++i) {
    auto q = read_question(packet, offset);
    if (!q) return q.error();
    message.questions.push_back(std::move(*q));
  }
  const std::uint16_t counts[3] = {get16(packet, 6), get16(packet, 8), get16(packet, 10)};
  std::vector<ResourceRecord>* sections[3] = {&message.answers, &message.authority,
                                              &message.additional};
  for (int s = 0; s < 3; ++s) {
    if (s == 2) message.additional_offset = offset;
    for (std::uint16_t i = 0; i < counts[s]; ++i) {
      auto rr = read_record(packet, offset);
      if (!rr) return rr.error();
      sections[s]->push_back(std::move(*rr));
    }
  }
  return message;
}

Bytes build_empty_reply(const Query& query, Rcode rcode) {
  const std::uint16_t flags =
      kFlagQr | (query.flags & (kFlagRd | kFlagCd)) | kFlagRa | static_cast<std::uint16_t>(rcode);
  Bytes out = reply_header_and_question(query, flags);
  if (query.has_edns) append_opt(out, query);
  return out;
}

Result<Bytes> relay_answer(const Query& query, ByteView upstream, std::size_t max_size) {
  auto message = parse_message(upstream);
  if (!message) return message.error().context("upstream answer");
  if (message->questions.size() != 1 ||
      !same_name(message->questions[0].name, query.question.name) ||
      message->questions[0].type != query.question.type) {
    return make_error("upstream answer is for another question");
  }
  // The upstream's question is the same name, so it has the same wire length
  // and the client's copy (its letter case, RFC 4343) drops in at the same place.
  std::size_t question_end = kHeaderSize;
  if (!read_question(upstream, question_end)) return make_error("upstream question unreadable");
  if (question_end - kHeaderSize != query.question_wire.size()) {
    return make_error("upstream question has another wire length");
  }
  // Keep every record before the upstream's OPT; OPT is last in practice and
  // anything after it is optional additional data.
  std::size_t keep_until = upstream.size();
  std::uint16_t additional_kept = 0;
  std::size_t offset = message->additional_offset;
  for (const auto& rr : message->additional) {
    if (rr.type == kTypeOpt) {
      keep_until = offset;
      break;
    }
    offset = rr.rdata_offset + rr.rdata_length;
    ++additional_kept;
  }
  Bytes out(upstream.begin(), upstream.begin() + static_cast<long>(keep_until));
  if (out.size() < kHeaderSize + query.question_wire.size()) {
    return make_error("upstream answer shorter than its question");
  }
  for (std::size_t i = 0; i < query.question_wire.size(); ++i) {
    out[kHeaderSize + i] = query.question_wire[i];
  }
  const std::uint16_t upstream_flags = message->flags;
  // AA/AD/rcode come from upstream; RD/CD mirror the client; RA is ours.
  const std::uint16_t flags = kFlagQr | (upstream_flags & 0x0420) | (upstream_flags & 0x000f) |
                              (query.flags & (kFlagRd | kFlagCd)) | kFlagRa;
  put16(out, 0, query.id);
  put16(out, 2, flags);
  put16(out, 10, static_cast<std::uint16_t>(additional_kept + (query.has_edns ? 1 : 0)));
  if (query.has_edns) append_opt(out, query);
  if (out.size() <= max_size) return out;
  Bytes truncated = build_empty_reply(query, static_cast<Rcode>(upstream_flags & 0x000f));
  put16(truncated, 2, static_cast<std::uint16_t>(flags | kFlagTc));
  return truncated;
}

}  // namespace openclawd::dns
