#pragma once
// The query log: one JSON object per line for every query a guest sends,
// appended to a file that is rotated by size (file -> file.1 -> ... -> file.N).
// `openclawd logs dns -f` follows it across rotations.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::dns {

struct QueryRecord {
  std::chrono::system_clock::time_point ts;
  std::string vm;         // "" when the client is not a known guest
  std::string client;     // "192.168.83.10:41234"
  std::string transport;  // "udp" or "tcp"
  std::string qname;
  std::string qtype;
  std::string rcode;
  std::vector<std::string> answers;  // addresses / targets of the answer section
  std::uint32_t ttl = 0;             // smallest answer TTL
  std::int64_t latency_us = 0;
  bool cached = false;
  std::string action;  // answered, blocked, refused, error
  std::string rule;    // the policy rule that decided, if any
  // For a name the policy leaves to the admin ("unlisted": "ask"): "pending"
  // (refused, waiting), "allowed" or "denied" (the admin's decision); else "".
  std::string decision;
};

// The record as one JSON line (no trailing newline).
std::string to_json_line(const QueryRecord& record);

class QueryLog {
 public:
  // `max_bytes` 0 disables rotation.
  QueryLog(std::filesystem::path file, std::uintmax_t max_bytes = 16u << 20, int keep = 5);
  ~QueryLog() { write_held_lines(); }  // nothing held is lost
  QueryLog(QueryLog&&) = default;
  QueryLog& operator=(QueryLog&&) = default;

  Status open();
  void write(const QueryRecord& record);
  // Between hold() and release() lines are buffered and reach the file together
  // at the release: the UDP frontend holds the log across one batch of datagrams,
  // so a busy resolver makes one write per batch instead of one per query. Holds
  // nest; outside them every line is flushed at once (`logs dns -f` follows live).
  void hold() { ++held_; }
  void release();
  const std::filesystem::path& file() const { return file_; }

 private:
  void rotate();
  void write_held_lines();

  std::filesystem::path file_;
  std::uintmax_t max_bytes_;
  int keep_;
  std::ofstream out_;
  std::uintmax_t size_ = 0;
  int held_ = 0;
  std::string held_lines_;  // written at the release of the outermost hold
};

}  // namespace openclawd::dns
