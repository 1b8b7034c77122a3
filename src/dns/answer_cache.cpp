#include "openclawd/dns/answer_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace openclawd::dns {
namespace {

constexpr std::uint16_t kTypeOpt = 41;
constexpr std::uint16_t kFlagTruncated = 0x0200;

template <typename Visit>
void for_each_record(const Message& message, Visit visit) {
  for (const auto* section : {&message.answers, &message.authority, &message.additional}) {
    for (const auto& record : *section) {
      if (record.type != kTypeOpt) visit(record);
    }
  }
}

}  // namespace

std::string question_key(const Question& question) {
  std::string key = question.name;
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return fmt::format("{}/{}/{}", key, question.type, question.klass);
}

Result<Bytes> age_ttls(const Bytes& packet, std::uint32_t elapsed_s) {
  auto message = parse_message(packet);
  if (!message) return message.error();
  Bytes aged = packet;
  for_each_record(*message, [&](const ResourceRecord& record) {
    // The TTL is the 4 bytes before RDLENGTH, which precedes the RDATA.
    const std::size_t at = record.rdata_offset - 6;
    const std::uint32_t ttl = record.ttl > elapsed_s ? record.ttl - elapsed_s : 0;
    aged[at] = static_cast<std::uint8_t>(ttl >> 24);
    aged[at + 1] = static_cast<std::uint8_t>(ttl >> 16);
    aged[at + 2] = static_cast<std::uint8_t>(ttl >> 8);
    aged[at + 3] = static_cast<std::uint8_t>(ttl);
  });
  return aged;
}

void AnswerCache::store(const Question& question, const UpstreamAnswer& answer,
                        Clock::time_point now) {
  if (max_entries_ == 0 || answer.bogus) return;
  auto message = parse_message(answer.packet);
  if (!message || (message->flags & kFlagTruncated) != 0) return;
  if (message->rcode() != 0 && message->rcode() != 3) return;  // NOERROR, NXDOMAIN
  std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
  bool any = false;
  for_each_record(*message, [&](const ResourceRecord& record) {
    ttl = std::min(ttl, record.ttl);
    any = true;
  });
  if (!any || ttl == 0) return;

  const std::string key = question_key(question);
  if (auto found = entries_.find(key); found != entries_.end()) {
    lru_.erase(found->second);
    entries_.erase(found);
  }
  while (entries_.size() >= max_entries_) {
    entries_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Entry{key, answer, now, now + std::chrono::seconds(ttl)});
  entries_.emplace(key, lru_.begin());
}

std::optional<UpstreamAnswer> AnswerCache::find(const Question& question, Clock::time_point now) {
  auto found = entries_.find(question_key(question));
  if (found == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  auto entry = found->second;
  if (entry->expires <= now) {
    lru_.erase(entry);
    entries_.erase(found);
    ++misses_;
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - entry->stored).count();
  auto aged = age_ttls(entry->answer.packet, static_cast<std::uint32_t>(age));
  if (!aged) {  // it parsed when stored; cannot happen, but never serve garbage
    lru_.erase(entry);
    entries_.erase(found);
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  UpstreamAnswer answer = entry->answer;
  answer.packet = std::move(*aged);
  return answer;
}

}  // namespace openclawd::dns
