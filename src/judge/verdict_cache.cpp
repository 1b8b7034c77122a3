#include "openclawd/judge/verdict_cache.hpp"

#include <openssl/evp.h>

#include <array>
#include <cassert>

namespace openclawd::judge {

VerdictCache::VerdictCache(std::size_t capacity, std::chrono::seconds ttl, SteadyClock clock)
    : capacity_(capacity), ttl_(ttl), clock_(std::move(clock)) {}

std::optional<nlohmann::json> VerdictCache::get(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end()) return std::nullopt;
  auto entry = found->second;
  if (clock_() - entry->stored_at >= ttl_) {
    index_.erase(found);
    entries_.erase(entry);
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, entry);
  return entry->verdict;
}

void VerdictCache::put(const std::string& key, nlohmann::json verdict) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  auto now = clock_();
  if (auto found = index_.find(key); found != index_.end()) {
    found->second->verdict = std::move(verdict);
    found->second->stored_at = now;
    entries_.splice(entries_.begin(), entries_, found->second);
    return;
  }
  entries_.push_front(Entry{key, std::move(verdict), now});
  index_[key] = entries_.begin();
  while (entries_.size() > capacity_) {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }
}

std::size_t VerdictCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::string content_hash(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  assert(context != nullptr);
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  bool first = true;
  for (auto part : parts) {
    if (!first) EVP_DigestUpdate(context, "\0", 1);
    first = false;
    EVP_DigestUpdate(context, part.data(), part.size());
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest.data(), &length);
  EVP_MD_CTX_free(context);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace openclawd::judge
