#include "openclawd/judge/judge.hpp"

#include <algorithm>
#include <cassert>
#include <functional>

#include "openclawd/core/log.hpp"
#include "openclawd/judge/prompt.hpp"

namespace openclawd::judge {
namespace {

using std::chrono::duration_cast;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Cuts at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, std::size_t limit, bool& truncated) {
  truncated = text.size() > limit;
  if (!truncated) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

bool has_deadline(steady_clock::time_point deadline) {
  return deadline != kNoDeadline;
}

}  // namespace

struct Judge::Call {
  ChatRequest request;
  steady_clock::time_point deadline;
  // Parses the model's answer into the verdict's JSON form (what the cache keeps).
  std::function<Result<nlohmann::json>(std::string_view)> parse;
};

struct Judge::CallResult {
  std::optional<nlohmann::json> verdict;
  CheckFailure failure = CheckFailure::none;
  std::string error;
  int attempts = 0;
};

Judge::Judge(JudgeSettings settings, JudgeDependencies dependencies)
    : settings_(std::move(settings)),
      client_(std::move(dependencies.client)),
      clock_(std::move(dependencies.clock)),
      sleeper_(std::move(dependencies.sleeper)),
      sink_(std::move(dependencies.sink)),
      breaker_(settings_.breaker_failure_threshold, settings_.breaker_open_for, clock_),
      cache_(settings_.cache_entries, settings_.cache_ttl, clock_),
      backoff_{settings_.backoff_initial, settings_.backoff_max, settings_.backoff_multiplier},
      latency_(settings_.latency_window) {
  assert(client_ != nullptr);
}

void Judge::set_known_secrets(std::vector<std::string> secrets) {
  redactor_.set_known_secrets(std::move(secrets));
}

void Judge::count(std::uint64_t JudgeStats::*counter, std::uint64_t by) {
  std::lock_guard lock(stats_mutex_);
  counters_.*counter += by;
}

JudgeStats Judge::stats() const {
  JudgeStats snapshot;
  {
    std::lock_guard lock(stats_mutex_);
    snapshot = counters_;
  }
  snapshot.breaker_state = std::string(to_string(breaker_.state()));
  snapshot.latency = latency_.percentiles();
  return snapshot;
}

Judge::CallResult Judge::call_api(const Call& call) {
  CallResult result;
  ChatFailure last_failure;
  for (int retry = 0;; ++retry) {
    ChatRequest request = call.request;
    request.timeout = settings_.timeout;
    if (has_deadline(call.deadline)) {
      auto left = duration_cast<milliseconds>(call.deadline - clock_());
      if (left.count() <= 0) break;
      request.timeout = std::min(request.timeout, left);
    }
    ++result.attempts;
    count(&JudgeStats::api_calls);
    if (retry > 0) count(&JudgeStats::retries);
    ChatResult answer = client_->complete(request);
    if (answer.schema_fallback) count(&JudgeStats::schema_fallbacks);
    if (answer.ok()) {
      breaker_.record_success();
      auto verdict = call.parse(*answer.content);
      if (!verdict) {
        count(&JudgeStats::unparseable);
        result.failure = CheckFailure::unparseable;
        result.error = verdict.error().message;
        return result;
      }
      result.verdict = std::move(*verdict);
      return result;
    }
    last_failure = answer.failure;
    count(&JudgeStats::api_failures);
    if (answer.failure.kind == ChatFailureKind::timeout) count(&JudgeStats::timeouts);
    spdlog::debug("judge: attempt {} failed: {}", result.attempts, answer.failure.message);
    if (!answer.failure.retryable() || retry >= settings_.retries) break;
    auto delay = backoff_.delay(retry);
    if (has_deadline(call.deadline) && clock_() + delay >= call.deadline) break;
    sleeper_(delay);
  }
  if (result.attempts == 0) {
    // The deadline passed before the first attempt: the API did nothing wrong.
    breaker_.release();
    result.failure = CheckFailure::no_time;
    result.error = "no time left in the scan's budget for the judge";
    return result;
  }
  breaker_.record_failure();
  result.failure = CheckFailure::api;
  result.error = std::string(to_string(last_failure.kind)) + ": " + last_failure.message;
  return result;
}

namespace {

// What differs between the two kinds of verdict.
template <typename V>
struct VerdictKind;

template <>
struct VerdictKind<JudgeVerdict> {
  static constexpr const char* schema_name = "injection_verdict";
  static const nlohmann::json& schema() { return judge_verdict_schema(); }
  static Result<JudgeVerdict> parse(std::string_view content) {
    return parse_judge_verdict(content);
  }
  static JudgeVerdict from_json(const nlohmann::json& json) {
    return {json.at("is_injection").get<bool>(), json.at("confidence").get<double>(),
            json.at("reasoning").get<std::string>()};
  }
  static bool flagged(const JudgeVerdict& verdict) { return verdict.is_injection; }
};

template <>
struct VerdictKind<IntentVerdict> {
  static constexpr const char* schema_name = "intent_verdict";
  static const nlohmann::json& schema() { return intent_verdict_schema(); }
  static Result<IntentVerdict> parse(std::string_view content) {
    return parse_intent_verdict(content);
  }
  static IntentVerdict from_json(const nlohmann::json& json) {
    return {json.at("aligned").get<bool>(), json.at("confidence").get<double>(),
            json.at("reasoning").get<std::string>()};
  }
  static bool flagged(const IntentVerdict& verdict) { return !verdict.aligned; }
};

}  // namespace

template <typename V>
CheckOutcome<V> Judge::run_check(JudgeCallRecord record, std::vector<ChatMessage> messages,
                                 steady_clock::time_point deadline) {
  using Kind = VerdictKind<V>;
  auto started = clock_();
  CheckOutcome<V> outcome;
  outcome.fail_mode = settings_.fail_mode_for(record.source);
  auto finish = [&](bool reached_api) {
    outcome.latency = duration_cast<microseconds>(clock_() - started);
    if (reached_api) latency_.record(outcome.latency);
    record.time = std::chrono::system_clock::now();
    record.latency = outcome.latency;
    record.attempts = outcome.attempts;
    record.cached = outcome.cached;
    if (outcome.verdict) {
      record.outcome = "verdict";
      record.flagged = Kind::flagged(*outcome.verdict);
      record.confidence = outcome.verdict->confidence;
      // The model may quote what it judged; keep secrets out of the log anyway.
      record.reasoning = redactor_.redact(outcome.verdict->reasoning).text;
    } else {
      record.outcome = outcome.failure == CheckFailure::breaker_open ? "breaker_open" : "error";
      record.error = outcome.error;
      record.fail_mode = std::string(to_string(outcome.fail_mode));
      count(outcome.fail_mode == FailMode::closed ? &JudgeStats::fail_closed
                                                  : &JudgeStats::fail_open);
    }
    if (sink_) sink_(record);
    return outcome;
  };

  if (auto cached = cache_.get(record.content_sha256)) {
    count(&JudgeStats::cache_hits);
    outcome.verdict = Kind::from_json(*cached);
    outcome.cached = true;
    return finish(false);
  }
  if (has_deadline(deadline) && clock_() >= deadline) {
    outcome.failure = CheckFailure::no_time;
    outcome.error = "no time left in the scan's budget for the judge";
    return finish(false);
  }
  if (!breaker_.allow()) {
    count(&JudgeStats::breaker_rejections);
    outcome.failure = CheckFailure::breaker_open;
    outcome.error = "circuit breaker open: the judge API failed repeatedly";
    return finish(false);
  }
  Call call{ChatRequest{std::move(messages), Kind::schema_name, Kind::schema(), settings_.timeout},
            deadline, [](std::string_view content) -> Result<nlohmann::json> {
              auto verdict = Kind::parse(content);
              if (!verdict) return verdict.error();
              return to_json(*verdict);
            }};
  auto result = call_api(call);
  outcome.attempts = result.attempts;
  if (result.verdict) {
    cache_.put(record.content_sha256, *result.verdict);
    outcome.verdict = Kind::from_json(*result.verdict);
  } else {
    outcome.failure = result.failure;
    outcome.error = result.error;
  }
  return finish(true);
}

TextOutcome Judge::judge_text(const TextCheck& check) {
  count(&JudgeStats::text_checks);
  bool truncated = false;
  auto redaction = redactor_.redact(cut_utf8(check.text, settings_.max_text_bytes, truncated));
  std::vector<defender::Finding> findings(check.prior_findings.begin(), check.prior_findings.end());
  std::size_t redactions = redaction.replaced;
  for (auto& finding : findings) {
    auto evidence = redactor_.redact(finding.evidence);
    finding.evidence = std::move(evidence.text);
    redactions += evidence.replaced;
  }
  JudgeCallRecord record;
  record.kind = "text";
  record.source = std::string(check.source);
  record.content_sha256 = content_hash({"text", check.source, redaction.text});
  record.text_bytes = check.text.size();
  record.redactions = redactions;
  auto messages = build_text_prompt({check.source, redaction.text, truncated, findings});
  auto outcome = run_check<JudgeVerdict>(std::move(record), std::move(messages), check.deadline);
  if (outcome.verdict) {
    count(outcome.verdict->is_injection ? &JudgeStats::injections : &JudgeStats::benign);
  }
  return outcome;
}

IntentOutcome Judge::check_intent(const IntentCheck& check) {
  count(&JudgeStats::intent_checks);
  static const nlohmann::json kNoArguments = nlohmann::json::object();
  const nlohmann::json& arguments = check.arguments != nullptr ? *check.arguments : kNoArguments;
  bool truncated = false;
  auto request_text =
      redactor_.redact(cut_utf8(check.user_request, settings_.max_text_bytes / 2, truncated));
  auto arguments_dump = arguments.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto arguments_text =
      redactor_.redact(cut_utf8(arguments_dump, settings_.max_text_bytes / 2, truncated));
  JudgeCallRecord record;
  record.kind = "intent";
  record.source = std::string(check.source);
  record.tool = std::string(check.tool_name);
  record.content_sha256 =
      content_hash({"intent", request_text.text, check.tool_name, arguments_text.text});
  record.text_bytes = check.user_request.size() + arguments_dump.size();
  record.redactions = request_text.replaced + arguments_text.replaced;
  auto messages = build_intent_prompt({request_text.text, check.tool_name, arguments_text.text});
  auto outcome = run_check<IntentVerdict>(std::move(record), std::move(messages), check.deadline);
  if (outcome.verdict && !outcome.verdict->aligned &&
      outcome.verdict->confidence >= settings_.intent_block_confidence) {
    count(&JudgeStats::intent_blocks);
  }
  return outcome;
}

}  // namespace openclawd::judge
