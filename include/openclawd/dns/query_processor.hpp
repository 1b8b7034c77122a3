#pragma once
// What happens to one query, whichever transport brought it: client check,
// rate limit, parse, policy, upstream, allowlist, reply, log, counters.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "openclawd/dns/allowlist_sink.hpp"
#include "openclawd/dns/answer_cache.hpp"
#include "openclawd/dns/client_acl.hpp"
#include "openclawd/dns/egress_decisions.hpp"
#include "openclawd/dns/message.hpp"
#include "openclawd/dns/policy.hpp"
#include "openclawd/dns/query_log.hpp"
#include "openclawd/dns/rate_limiter.hpp"
#include "openclawd/dns/settings.hpp"
#include "openclawd/dns/upstream.hpp"

namespace openclawd::dns {

struct ClientInfo {
  std::uint32_t address = 0;  // IPv4, host byte order
  std::uint16_t port = 0;
  bool tcp = false;
};

struct VmCounters {
  std::uint64_t queries = 0;
  std::uint64_t answered = 0;
  std::uint64_t blocked = 0;
  std::uint64_t refused = 0;
  std::uint64_t errors = 0;
  std::uint64_t rate_limited = 0;
  std::uint64_t pending = 0;  // refused while waiting for the admin's decision
};

class QueryProcessor {
 public:
  using Reply = std::function<void(Bytes)>;

  // `decisions` (may be null: nothing is ever approved) settles the names the
  // policy leaves to the admin; it must outlive the processor.
  QueryProcessor(const ResolverSettings& settings, ClientAcl acl, DnsPolicy policy,
                 Upstream& upstream, QueryLog& log, AllowlistSink* allowlist,
                 EgressDecisions* decisions = nullptr);

  // Handles one packet; calls `reply` (at most once, maybe later) with the
  // bytes to send back. Malformed packets are counted and get no reply:
  // then handle() returns false.
  bool handle(const ClientInfo& client, ByteView packet, Reply reply);

  // Brackets a batch of handle() calls: their log lines are written together
  // when the batch ends (QueryLog::hold/release).
  void begin_batch() { log_.hold(); }
  void end_batch() { log_.release(); }

  // Counts a packet the transport itself rejected (bad TCP frame).
  void count_malformed() { ++malformed_; }

  // {"malformed": n, "vms": {"openclaw": {...counters}, "unknown": {...}}}
  nlohmann::json counters() const;
  const VmCounters& vm_counters(const std::string& vm) const;
  const DnsPolicy& policy() const { return policy_; }

 private:
  struct InFlight;
  void finish(InFlight& query, const Result<UpstreamAnswer>& answer);
  void log_and_count(const InFlight& query, QueryRecord record);
  bool probably_cached(const Question& question, std::chrono::steady_clock::time_point now);
  void remember(const Question& question, std::uint32_t ttl,
                std::chrono::steady_clock::time_point now);

  const ResolverSettings& settings_;
  ClientAcl acl_;
  DnsPolicy policy_;
  Upstream& upstream_;
  QueryLog& log_;
  AllowlistSink* allowlist_;
  EgressDecisions* decisions_;
  RateLimiter limiter_;
  AnswerCache answers_;
  std::map<std::string, VmCounters> counters_;
  std::uint64_t malformed_ = 0;
  // What libunbound has probably cached (name/type -> expiry), for the log's
  // "cached" field; libunbound does not say whether an answer came from cache.
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> cache_view_;
};

}  // namespace openclawd::dns
