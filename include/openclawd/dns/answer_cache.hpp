#pragma once
// Answers the daemon has relayed, kept so that a repeated question is answered
// on the event loop thread without the round trip through libunbound's worker
// (two pipe writes, two reads and two thread switches per query). Entries
// live as long as the smallest TTL in the answer; a hit gets every TTL reduced
// by the entry's age, as a caching resolver must. Least recently used entries
// go first when the cache is full. libunbound's own cache stays behind it.
//
// Not cached: truncated answers, rcodes other than NOERROR/NXDOMAIN, answers
// DNSSEC validation called bogus, answers without any TTL to go by.

#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "openclawd/dns/message.hpp"
#include "openclawd/dns/upstream.hpp"

namespace openclawd::dns {

class AnswerCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit AnswerCache(std::size_t max_entries) : max_entries_(max_entries) {}

  void store(const Question& question, const UpstreamAnswer& answer, Clock::time_point now);
  // The answer with its TTLs aged, or nothing (miss or expired).
  std::optional<UpstreamAnswer> find(const Question& question, Clock::time_point now);

  std::size_t size() const { return entries_.size(); }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string key;
    UpstreamAnswer answer;
    Clock::time_point stored;
    Clock::time_point expires;
  };
  std::size_t max_entries_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> entries_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

// The cache key of a question: lower-cased name, type and class.
std::string question_key(const Question& question);

// `packet` with every record's TTL (the OPT pseudo-record excepted) reduced by
// `elapsed_s`, never below zero. The packet must parse.
Result<Bytes> age_ttls(const Bytes& packet, std::uint32_t elapsed_s);

}  // namespace openclawd::dns
