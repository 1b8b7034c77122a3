#pragma once
// Verdicts by content hash, so a repeated message costs one API call.
// Least-recently-used eviction at `capacity` entries; entries older than `ttl`
// are misses. Thread-safe.

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "openclawd/judge/clock.hpp"

namespace openclawd::judge {

class VerdictCache {
 public:
  VerdictCache(std::size_t capacity, std::chrono::seconds ttl, SteadyClock clock);

  std::optional<nlohmann::json> get(const std::string& key);
  void put(const std::string& key, nlohmann::json verdict);
  std::size_t size() const;

 private:
  struct Entry {
    std::string key;
    nlohmann::json verdict;
    std::chrono::steady_clock::time_point stored_at;
  };

  const std::size_t capacity_;
  const std::chrono::seconds ttl_;
  SteadyClock clock_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

// Hex SHA-256 of the parts joined with NUL bytes (kind, source, text, ...).
std::string content_hash(std::initializer_list<std::string_view> parts);

}  // namespace openclawd::judge
