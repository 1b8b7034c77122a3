#pragma once
// The DNS wire format (RFC 1035, EDNS0 from RFC 6891), only as much as a
// forwarding frontend needs: read a client's query, read an upstream answer for
// the log, and build the reply the client gets. Every reader is bounds checked
// and follows compression pointers only backwards, so a hostile packet yields
// an error, never a crash or a loop.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::dns {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeNs = 2;
inline constexpr std::uint16_t kTypeCname = 5;
inline constexpr std::uint16_t kTypeSoa = 6;
inline constexpr std::uint16_t kTypePtr = 12;
inline constexpr std::uint16_t kTypeMx = 15;
inline constexpr std::uint16_t kTypeTxt = 16;
inline constexpr std::uint16_t kTypeAaaa = 28;
inline constexpr std::uint16_t kTypeOpt = 41;
inline constexpr std::uint16_t kClassIn = 1;

// The UDP payload size we advertise and cap replies at (DNS flag day 2020).
inline constexpr std::uint16_t kOurEdnsUdpSize = 1232;
// A client without EDNS gets at most this over UDP (RFC 1035).
inline constexpr std::uint16_t kClassicUdpSize = 512;

enum class Rcode : std::uint8_t {
  noerror = 0,
  formerr = 1,
  servfail = 2,
  nxdomain = 3,
  notimp = 4,
  refused = 5,
};

std::string rcode_name(int rcode);
std::string type_name(std::uint16_t type);

struct Question {
  std::string name;  // dotted, no trailing dot, as sent (case kept); "" is the root
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
};

struct Query {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;  // the client's header flags word
  Question question;
  Bytes question_wire;  // the question section exactly as the client sent it
  bool has_edns = false;
  std::uint16_t edns_udp_size = 0;  // as advertised (0 when no EDNS)
  bool dnssec_ok = false;           // the DO bit

  bool recursion_desired() const { return (flags & 0x0100) != 0; }
  // Largest UDP reply this client accepts.
  std::size_t max_udp_reply() const;
};

// Parses a client's query: header, exactly one question, EDNS OPT if present.
// Rejects responses, opcodes other than QUERY and malformed packets.
Result<Query> parse_query(ByteView packet);

struct ResourceRecord {
  std::string name;
  std::uint16_t type = 0;
  std::uint16_t klass = 0;
  std::uint32_t ttl = 0;
  std::size_t rdata_offset = 0;  // into the packet
  std::uint16_t rdata_length = 0;
  std::string rdata_text;  // A/AAAA address, CNAME/NS/PTR target; else empty
};

struct Message {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
  std::vector<ResourceRecord> additional;
  std::size_t additional_offset = 0;  // where the additional section starts

  int rcode() const { return flags & 0x000f; }
};

// Parses a whole message (any direction), all sections.
Result<Message> parse_message(ByteView packet);

// Reads a possibly compressed name at `offset`; advances `offset` past it.
Result<std::string> read_name(ByteView packet, std::size_t& offset);

// A reply with no records: the client's id and question, `rcode`, and an OPT
// record when the client sent one.
Bytes build_empty_reply(const Query& query, Rcode rcode);

// Turns the upstream's answer into the client's reply: the client's id, RD and
// CD bits, the client's question (same name, the client's letter case), the
// upstream's records minus its OPT, and our own OPT when the client used EDNS.
// When the result exceeds `max_size` the reply is cut to the question with TC
// set, so the client retries over TCP.
Result<Bytes> relay_answer(const Query& query, ByteView upstream, std::size_t max_size);

}  // namespace openclawd::dns
