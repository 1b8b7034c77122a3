#pragma once
// The LLM judge: redacts, consults the cache and the circuit breaker, calls the
// chat-completions API with bounded retries, parses the verdict, keeps
// counters and writes a decision record. Thread-safe: the defender's worker
// pool may call it concurrently.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "openclawd/defender/layer.hpp"
#include "openclawd/judge/backoff.hpp"
#include "openclawd/judge/chat_client.hpp"
#include "openclawd/judge/circuit_breaker.hpp"
#include "openclawd/judge/clock.hpp"
#include "openclawd/judge/decision_record.hpp"
#include "openclawd/judge/redactor.hpp"
#include "openclawd/judge/settings.hpp"
#include "openclawd/judge/stats.hpp"
#include "openclawd/judge/verdict.hpp"
#include "openclawd/judge/verdict_cache.hpp"

namespace openclawd::judge {

// No deadline: a default-constructed time point.
inline constexpr std::chrono::steady_clock::time_point kNoDeadline{};

struct TextCheck {
  std::string_view text;
  std::string_view source;
  std::span<const defender::Finding> prior_findings;
  std::chrono::steady_clock::time_point deadline = kNoDeadline;
};

struct IntentCheck {
  std::string_view user_request;  // the user's last real request; may be empty
  std::string_view tool_name;
  const nlohmann::json* arguments = nullptr;  // the proposed call's arguments
  std::string_view source = "tool_call";
  std::chrono::steady_clock::time_point deadline = kNoDeadline;
};

// Why a check has no verdict.
enum class CheckFailure { none, breaker_open, api, unparseable, no_time };

template <typename V>
struct CheckOutcome {
  std::optional<V> verdict;  // set on success (fresh or cached)
  CheckFailure failure = CheckFailure::none;
  std::string error;  // when !verdict
  bool cached = false;
  int attempts = 0;
  FailMode fail_mode = FailMode::open;  // what to do when !verdict
  std::chrono::microseconds latency{0};
};

using TextOutcome = CheckOutcome<JudgeVerdict>;
using IntentOutcome = CheckOutcome<IntentVerdict>;

struct JudgeDependencies {
  std::unique_ptr<ChatClient> client;
  SteadyClock clock = real_steady_clock();
  Sleeper sleeper = real_sleeper();
  DecisionSink sink;  // may be empty
};

class Judge {
 public:
  Judge(JudgeSettings settings, JudgeDependencies dependencies);

  TextOutcome judge_text(const TextCheck& check);
  IntentOutcome check_intent(const IntentCheck& check);

  // Secrets the daemon knows (gateway tokens, keys given to guests, API keys).
  void set_known_secrets(std::vector<std::string> secrets);

  JudgeStats stats() const;
  const JudgeSettings& settings() const { return settings_; }

 private:
  struct Call;
  struct CallResult;
  CallResult call_api(const Call& call);
  // Cache, deadline, breaker, API call, counters and decision record around
  // one check; V is JudgeVerdict or IntentVerdict. Defined in judge.cpp.
  template <typename V>
  CheckOutcome<V> run_check(JudgeCallRecord record, std::vector<ChatMessage> messages,
                            std::chrono::steady_clock::time_point deadline);
  void count(std::uint64_t JudgeStats::*counter, std::uint64_t by = 1);

  const JudgeSettings settings_;
  std::unique_ptr<ChatClient> client_;
  SteadyClock clock_;
  Sleeper sleeper_;
  DecisionSink sink_;
  Redactor redactor_;
  CircuitBreaker breaker_;
  VerdictCache cache_;
  BackoffPolicy backoff_;
  LatencyRecorder latency_;
  mutable std::mutex stats_mutex_;
  JudgeStats counters_;
};

// A judge with the real libcurl client; fails when the API key file cannot be
// read or base_url is not an http(s) URL. `sink` receives the decision records.
Result<std::shared_ptr<Judge>> make_judge(const JudgeSettings& settings, DecisionSink sink);

}  // namespace openclawd::judge
