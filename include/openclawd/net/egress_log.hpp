#pragma once
// The egress log: packets the ruleset logs (NFLOG group) are read over
// nfnetlink_log and written as JSON lines naming the VM, rotated by size and
// counted for `status`.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "openclawd/core/result.hpp"
#include "openclawd/net/settings.hpp"

namespace openclawd::net {

// What the DNS resolver knows: the name `vm` resolved to get `address`.
class DestinationNames {
 public:
  virtual ~DestinationNames() = default;
  virtual std::optional<std::string> name_for(std::string_view vm, Ipv4Address address) const = 0;
};

// One logged packet, decoded from an NFULNL_MSG_PACKET message.
struct EgressEvent {
  std::string vm;
  std::string verdict;  // accept | drop | spoof
  std::string proto;    // tcp | udp | icmp | arp | <number>
  std::optional<Ipv4Address> src, dst;
  std::optional<std::uint16_t> sport, dport;
  // When the packet arrived (NFULA_TIMESTAMP), if the kernel stamped it. The log
  // line's ts is this time, not when the daemon read the message, so packets
  // that waited in the socket while the daemon was busy keep their own times.
  std::optional<std::chrono::system_clock::time_point> received;
};

// Decodes one netlink message of `length` bytes. Messages that are not
// openclawd's log lines (another prefix) or are malformed give an error.
Result<EgressEvent> parse_nflog_message(const void* message, std::size_t length);

struct EgressLogSettings {
  std::uint16_t group = 83;
  std::filesystem::path file;
  std::uint64_t rotate_bytes = 16 * 1024 * 1024;
  int keep_files = 5;  // egress.jsonl.1 ... .N
};

struct EgressCounters {
  std::uint64_t accepted = 0;
  std::uint64_t dropped = 0;  // including spoofed
  std::uint64_t lines_written = 0;
  std::uint64_t malformed = 0;
  std::uint64_t lost = 0;  // kernel queue overruns (ENOBUFS)
  std::uint64_t rotations = 0;
};

class EgressLog {
 public:
  virtual ~EgressLog() = default;
  virtual EgressCounters counters() const = 0;
};

// Binds the NFLOG group in the caller's network namespace and reads on `io`
// until destroyed. `names` may be null (no dns_name field).
Result<std::unique_ptr<EgressLog>> open_egress_log(boost::asio::io_context& io,
                                                   EgressLogSettings settings,
                                                   const DestinationNames* names);

}  // namespace openclawd::net
