#pragma once
// Builds DNS packets byte by byte for the tests, independently of the codec
// under test, so that a codec bug cannot hide in both sides.

#include <cstdint>
#include <string>
#include <vector>

namespace openclawd::dns::testing {

class WireBuilder {
 public:
  WireBuilder& u8(std::uint8_t v) {
    bytes.push_back(v);
    return *this;
  }
  WireBuilder& u16(std::uint16_t v) {
    bytes.push_back(static_cast<std::uint8_t>(v >> 8));
    bytes.push_back(static_cast<std::uint8_t>(v & 0xff));
    return *this;
  }
  WireBuilder& u32(std::uint32_t v) {
    return u16(static_cast<std::uint16_t>(v >> 16)).u16(v & 0xffff);
  }
  WireBuilder& header(std::uint16_t id, std::uint16_t flags, std::uint16_t qd, std::uint16_t an,
                      std::uint16_t ns, std::uint16_t ar) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  // "www.example.com" as uncompressed labels.
  WireBuilder& name(const std::string& dotted) {
    std::size_t start = 0;
    while (start < dotted.size()) {
      auto dot = dotted.find('.', start);
      if (dot == std::string::npos) dot = dotted.size();
      u8(static_cast<std::uint8_t>(dot - start));
      for (std::size_t i = start; i < dot; ++i) u8(static_cast<std::uint8_t>(dotted[i]));
      start = dot + 1;
    }
    return u8(0);
  }
  WireBuilder& pointer(std::uint16_t offset) {
    return u16(static_cast<std::uint16_t>(0xc000 | offset));
  }
  WireBuilder& opt(std::uint16_t udp_size, bool dnssec_ok) {
    return u8(0).u16(41).u16(udp_size).u32(dnssec_ok ? 0x8000 : 0).u16(0);
  }
  std::vector<std::uint8_t> bytes;
};

// A standard query: RD set, one question, optional EDNS.
inline std::vector<std::uint8_t> make_query(std::uint16_t id, const std::string& qname,
                                            std::uint16_t qtype, bool edns = false,
                                            std::uint16_t udp_size = 1232) {
  WireBuilder b;
  b.header(id, 0x0100, 1, 0, 0, edns ? 1 : 0).name(qname).u16(qtype).u16(1);
  if (edns) b.opt(udp_size, false);
  return b.bytes;
}

}  // namespace openclawd::dns::testing
