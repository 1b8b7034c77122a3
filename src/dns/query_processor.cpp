#include "openclawd/dns/query_processor.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace openclawd::dns {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string client_text(const ClientInfo& client) {
  const std::uint32_t a = client.address;
  return fmt::format("{}.{}.{}.{}:{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff,
                     client.port);
}

}  // namespace

struct QueryProcessor::InFlight {
  ClientInfo client;
  std::string vm;
  Query query;
  Reply reply;
  SteadyClock::time_point started;
  bool cached = false;
  std::string rule;
  std::string decision;  // QueryRecord::decision
};

QueryProcessor::QueryProcessor(const ResolverSettings& settings, ClientAcl acl, DnsPolicy policy,
                               Upstream& upstream, QueryLog& log, AllowlistSink* allowlist,
                               EgressDecisions* decisions)
    : settings_(settings),
      acl_(std::move(acl)),
      policy_(std::move(policy)),
      upstream_(upstream),
      log_(log),
      allowlist_(allowlist),
      decisions_(decisions),
      limiter_(settings.rate_limit_qps),
      answers_(settings.answer_cache_entries) {}

bool QueryProcessor::handle(const ClientInfo& client, ByteView packet, Reply reply) {
  const auto started = SteadyClock::now();
  auto parsed = parse_query(packet);
  if (!parsed) {
    ++malformed_;
    spdlog::debug("dns: dropped malformed packet from {}: {}", client_text(client),
                  parsed.error().message);
    return false;
  }
  InFlight query{
      client, acl_.vm_of(client.address), std::move(*parsed), std::move(reply), started, false, {},
      {}};
  QueryRecord record;
  if (!acl_.allowed(client.address)) {
    query.reply(build_empty_reply(query.query, Rcode::refused));
    record.action = "refused";
    record.rule = "client-not-allowed";
    record.rcode = rcode_name(5);
    log_and_count(query, std::move(record));
    return true;
  }
  if (!limiter_.admit(client.address, started)) {
    query.reply(build_empty_reply(query.query, Rcode::refused));
    record.action = "refused";
    record.rule = "rate-limit";
    record.rcode = rcode_name(5);
    log_and_count(query, std::move(record));
    return true;
  }
  const PolicyDecision decision = policy_.decide(query.vm, query.query.question.name);
  std::optional<EgressVerdict> verdict;
  if (decision.ask) {
    const auto now = WallClock::now();
    if (decisions_ != nullptr && !query.vm.empty()) {
      verdict = decisions_->find(query.vm, query.query.question.name, now);
    }
    if (!verdict) {
      // Nobody decided yet: refused at once (the guest does not hang), and
      // shown to the admin in `openclawd egress pending`.
      if (decisions_ != nullptr && !query.vm.empty()) {
        decisions_->note_pending(query.vm, query.query.question.name, now);
      }
      query.reply(build_empty_reply(query.query, Rcode::refused));
      record.action = "refused";
      record.rule = decision.rule;
      record.decision = "pending";
      record.rcode = rcode_name(5);
      log_and_count(query, std::move(record));
      return true;
    }
    query.decision = *verdict == EgressVerdict::allow ? "allowed" : "denied";
  }
  if (!decision.allowed && verdict != EgressVerdict::allow) {
    const Rcode rcode =
        settings_.denied_answer == DeniedAnswer::refused ? Rcode::refused : Rcode::nxdomain;
    query.reply(build_empty_reply(query.query, rcode));
    record.action = "blocked";
    record.rule = decision.rule;
    record.decision = query.decision;
    record.rcode = rcode_name(static_cast<int>(rcode));
    log_and_count(query, std::move(record));
    return true;
  }
  query.rule = decision.rule;
  if (auto hit = answers_.find(query.query.question, started)) {
    query.cached = true;
    finish(query, Result<UpstreamAnswer>(std::move(*hit)));
    return true;
  }
  query.cached = probably_cached(query.query.question, started);
  auto shared = std::make_shared<InFlight>(std::move(query));
  const Question question = shared->query.question;
  upstream_.resolve(question, [this, shared](Result<UpstreamAnswer> answer) {
    if (answer) answers_.store(shared->query.question, *answer, SteadyClock::now());
    finish(*shared, answer);
  });
  return true;
}

void QueryProcessor::finish(InFlight& query, const Result<UpstreamAnswer>& answer) {
  QueryRecord record;
  record.rule = query.rule;
  record.decision = query.decision;
  const std::size_t max_size = query.client.tcp ? 65535 : query.query.max_udp_reply();
  Result<Bytes> reply =
      answer ? relay_answer(query.query, answer->packet, max_size) : Result<Bytes>(answer.error());
  if (!reply) {
    spdlog::warn("dns: {} {} for {}: {}", query.query.question.name,
                 type_name(query.query.question.type), client_text(query.client),
                 reply.error().message);
    query.reply(build_empty_reply(query.query, Rcode::servfail));
    record.action = "error";
    record.rcode = rcode_name(2);
    log_and_count(query, std::move(record));
    return;
  }
  auto message = parse_message(answer->packet);  // relay_answer parsed it already: cannot fail
  std::uint32_t ttl = 0;
  bool first = true;
  if (message) {
    record.rcode = rcode_name(message->rcode());
    for (const auto& rr : message->answers) {
      if (!rr.rdata_text.empty()) record.answers.push_back(rr.rdata_text);
      ttl = first ? rr.ttl : std::min(ttl, rr.ttl);
      first = false;
    }
    if (first) {  // a negative answer is cached for its SOA's TTL
      for (const auto& rr : message->authority) {
        if (rr.type == kTypeSoa) ttl = rr.ttl;
      }
    }
    if (allowlist_ != nullptr && !query.vm.empty()) {
      for (const auto& rr : message->answers) {
        if ((rr.type != kTypeA && rr.type != kTypeAaaa) || rr.rdata_text.empty()) continue;
        const auto timeout = std::chrono::seconds(rr.ttl) + settings_.allowlist_grace;
        if (auto status =
                allowlist_->allow(query.vm, query.query.question.name, rr.rdata_text, timeout);
            !status) {
          spdlog::warn("dns: VM {}: adding {} ({}) to the egress allowlist failed: {}", query.vm,
                       rr.rdata_text, query.query.question.name, status.error().message);
        }
      }
    }
  }
  record.ttl = ttl;
  record.cached = query.cached;
  record.action = "answered";
  remember(query.query.question, ttl, SteadyClock::now());
  query.reply(std::move(*reply));
  log_and_count(query, std::move(record));
}

void QueryProcessor::log_and_count(const InFlight& query, QueryRecord record) {
  record.ts = std::chrono::system_clock::now();
  record.vm = query.vm;
  record.client = client_text(query.client);
  record.transport = query.client.tcp ? "tcp" : "udp";
  record.qname = query.query.question.name;
  record.qtype = type_name(query.query.question.type);
  record.latency_us =
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - query.started)
          .count();
  VmCounters& counters = counters_[query.vm.empty() ? "unknown" : query.vm];
  ++counters.queries;
  if (record.action == "answered") ++counters.answered;
  if (record.action == "blocked") ++counters.blocked;
  if (record.action == "refused") ++counters.refused;
  if (record.action == "error") ++counters.errors;
  if (record.rule == "rate-limit") ++counters.rate_limited;
  if (record.decision == "pending") ++counters.pending;
  log_.write(record);
}

bool QueryProcessor::probably_cached(const Question& question, SteadyClock::time_point now) {
  const auto found = cache_view_.find(question_key(question));
  return found != cache_view_.end() && now < found->second;
}

void QueryProcessor::remember(const Question& question, std::uint32_t ttl,
                              SteadyClock::time_point now) {
  if (cache_view_.size() > 100000) {
    std::erase_if(cache_view_, [&](const auto& entry) { return entry.second <= now; });
  }
  cache_view_[question_key(question)] = now + std::chrono::seconds(ttl);
}

nlohmann::json QueryProcessor::counters() const {
  nlohmann::json vms = nlohmann::json::object();
  for (const auto& [vm, c] : counters_) {
    vms[vm] = {{"queries", c.queries}, {"answered", c.answered}, {"blocked", c.blocked},
               {"refused", c.refused}, {"errors", c.errors},     {"rate_limited", c.rate_limited},
               {"pending", c.pending}};
  }
  return {
      {"malformed", malformed_},
      {"vms", vms},
      {"answer_cache",
       {{"entries", answers_.size()}, {"hits", answers_.hits()}, {"misses", answers_.misses()}}}};
}

const VmCounters& QueryProcessor::vm_counters(const std::string& vm) const {
  static const VmCounters none;
  const auto found = counters_.find(vm);
  return found == counters_.end() ? none : found->second;
}

}  // namespace openclawd::dns
