#include "scan_core.hpp"

#include <boost/asio/post.hpp>

#include "openclawd/core/log.hpp"
#include "openclawd/http/bearer.hpp"

namespace openclawd::defender_service {
namespace {

// How often the judge's list of known secrets is re-read (tokens renew at boot).
constexpr std::chrono::seconds kSecretsRefresh{5};

nlohmann::json to_json(const judge::LatencyPercentiles& latency) {
  return {{"samples", latency.samples},
          {"p50", latency.p50.count()},
          {"p90", latency.p90.count()},
          {"p99", latency.p99.count()},
          {"max", latency.max.count()}};
}

}  // namespace

ScanCore::ScanCore(boost::asio::io_context& io, DefenderServiceSettings settings,
                   std::unique_ptr<defender::ScanPipeline> pipeline,
                   std::shared_ptr<defender::DecisionLog> log, std::shared_ptr<judge::Judge> judge)
    : io_(&io),
      settings_(std::move(settings)),
      pipeline_(std::move(pipeline)),
      log_(std::move(log)),
      judge_(std::move(judge)),
      pool_(std::max<std::size_t>(1, settings_.max_concurrent_scans)) {}

ScanCore::~ScanCore() {
  join();
}

void ScanCore::join() {
  pool_.join();
}

bool ScanCore::submit(defender::ScanRequest request, std::string origin, Done done) {
  // Claim a slot first: a burst of requests cannot queue unbounded work.
  if (in_flight_.fetch_add(1) >= settings_.max_concurrent_scans) {
    in_flight_.fetch_sub(1);
    std::lock_guard lock(mutex_);
    ++busy_;
    return false;
  }
  boost::asio::post(pool_, [this, request = std::move(request), origin = std::move(origin),
                            done = std::move(done)]() mutable {
    auto result = std::make_shared<defender::ScanResult>();
    run(request, origin, *result);
    in_flight_.fetch_sub(1);
    boost::asio::post(*io_, [result, done = std::move(done)] { done(*result); });
  });
  return true;
}

void ScanCore::scan(std::vector<defender::ScanRequest> requests, std::string origin,
                    defender::AsyncScanner::Done done) {
  // Admitted whatever is running: the caller (the inference gateway) bounds
  // its calls itself, and a model call must not fail because the API is busy.
  in_flight_.fetch_add(1);
  boost::asio::post(pool_, [this, requests = std::move(requests), origin = std::move(origin),
                            done = std::move(done)]() mutable {
    auto results = std::make_shared<std::vector<defender::ScanResult>>(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) run(requests[i], origin, (*results)[i]);
    in_flight_.fetch_sub(1);
    boost::asio::post(*io_, [results, done = std::move(done)] { done(std::move(*results)); });
  });
}

void ScanCore::refresh_known_secrets() {
  if (!judge_ || !settings_.known_secrets) return;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (secrets_refreshed_ != std::chrono::steady_clock::time_point{} &&
        now - secrets_refreshed_ < kSecretsRefresh) {
      return;
    }
    secrets_refreshed_ = now;
  }
  judge_->set_known_secrets(settings_.known_secrets());
}

void ScanCore::run(const defender::ScanRequest& request, const std::string& origin,
                   defender::ScanResult& result) {
  refresh_known_secrets();
  const nlohmann::json* context = request.context.is_object() ? &request.context : nullptr;
  result = pipeline_->scan(request.text, request.source, context);
  Status logged = ok_status();
  if (log_) logged = log_->record(request.text, request.source, result);
  std::lock_guard lock(mutex_);
  ++scans_;
  ++by_action_[std::string(defender::to_string(result.action))];
  ++by_source_[request.source];
  ++by_origin_[origin];
  if (!result.rejected.empty()) ++rejected_;
  if (!logged) {
    // Once per failure is enough for the operator; the scan itself stands.
    ++log_errors_;
    spdlog::error("defender: {}", logged.error().message);
  }
  latency_.record(result.duration);
}

bool ScanCore::has_token_source() const {
  return settings_.api && !settings_.api->token_files.empty();
}

bool ScanCore::token_accepted(std::string_view presented) const {
  if (!settings_.api) return false;
  bool accepted = false;
  for (const auto& file : settings_.api->token_files) {
    // Every file is compared, whatever matched before.
    accepted = http::same_secret(http::read_token_file(file), presented) || accepted;
  }
  return accepted;
}

void ScanCore::count_http(unsigned status) {
  std::lock_guard lock(mutex_);
  ++http_by_status_[std::to_string(status)];
}

nlohmann::json ScanCore::status() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = {{"rules", pipeline_->rules().rules().rules.size()},
                        {"scans", scans_},
                        {"in_flight", in_flight_.load()},
                        {"busy_refusals", busy_},
                        {"rejected_unscanned", rejected_},
                        {"log_errors", log_errors_},
                        {"by_action", by_action_},
                        {"by_source", by_source_},
                        {"by_origin", by_origin_},
                        {"latency_us", to_json(latency_.percentiles())},
                        {"max_input_bytes", pipeline_->settings().max_input_bytes},
                        {"log_file", settings_.log.file.string()}};
  if (settings_.api) out["http"] = {{"by_status", http_by_status_}};
  out["judge"] = judge_ ? judge::to_json(judge_->stats()) : nlohmann::json("disabled");
  return out;
}

}  // namespace openclawd::defender_service
