#pragma once
// Small value types for addresses in the config. Parsing is strict: a value
// that is not exactly an IPv4 address, a prefix or a MAC is an error.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace openclawd::config {

struct Ipv4Address {
  std::uint32_t value = 0;  // host byte order

  static std::optional<Ipv4Address> parse(std::string_view text);
  std::string to_string() const;
  friend bool operator==(const Ipv4Address&, const Ipv4Address&) = default;
};

// An interface address with its prefix: "192.168.83.1/24".
struct Ipv4Interface {
  Ipv4Address address;
  int prefix_length = 0;

  static std::optional<Ipv4Interface> parse(std::string_view text);
  std::string to_string() const;
  std::uint32_t netmask() const;
  bool contains(Ipv4Address other) const;
  Ipv4Address network() const { return Ipv4Address{address.value & netmask()}; }
  Ipv4Address broadcast() const { return Ipv4Address{network().value | ~netmask()}; }
};

struct MacAddress {
  std::array<std::uint8_t, 6> bytes{};

  static std::optional<MacAddress> parse(std::string_view text);
  std::string to_string() const;  // lower case, colon separated
  friend bool operator==(const MacAddress&, const MacAddress&) = default;
};

// "192.168.83.1:53". Port 0 means "pick a free port" (tests only).
struct Endpoint {
  Ipv4Address address;
  std::uint16_t port = 0;

  static std::optional<Endpoint> parse(std::string_view text);
  std::string to_string() const;
};

}  // namespace openclawd::config
