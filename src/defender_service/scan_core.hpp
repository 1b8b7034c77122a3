#pragma once
// What the control command and the HTTP API share: the pipeline, the worker
// pool, the concurrency gate, the decision log, the counters and the tokens.
// Held by shared_ptr so a completion still in flight keeps it alive.

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclawd/defender/api_request.hpp"
#include "openclawd/defender/async_scanner.hpp"
#include "openclawd/defender/decision_log.hpp"
#include "openclawd/defender/scan.hpp"
#include "openclawd/defender_service/defender_service.hpp"
#include "openclawd/judge/judge.hpp"
#include "openclawd/judge/stats.hpp"

namespace openclawd::defender_service {

class ScanCore final : public defender::AsyncScanner {
 public:
  ScanCore(boost::asio::io_context& io, DefenderServiceSettings settings,
           std::unique_ptr<defender::ScanPipeline> pipeline,
           std::shared_ptr<defender::DecisionLog> log, std::shared_ptr<judge::Judge> judge);
  ~ScanCore() override;

  // AsyncScanner: a batch on one worker, results posted to the io_context.
  void scan(std::vector<defender::ScanRequest> requests, std::string origin,
            AsyncScanner::Done done) override;

  using Done = std::function<void(const defender::ScanResult&)>;
  // Runs the scan on a worker and posts `done` to the io_context. False (and
  // `done` never called) when max_concurrent_scans are already running.
  bool submit(defender::ScanRequest request, std::string origin, Done done);
  // Waits for running scans (at most their time budget).
  void join();

  // True when `presented` equals one of the current tokens (files re-read on
  // every call, so a rotated token is used at once). Constant-time compare.
  bool token_accepted(std::string_view presented) const;
  bool has_token_source() const;

  void count_http(unsigned status);
  nlohmann::json status() const;
  const DefenderServiceSettings& settings() const { return settings_; }

 private:
  void run(const defender::ScanRequest& request, const std::string& origin,
           defender::ScanResult& result);
  void refresh_known_secrets();

  boost::asio::io_context* io_;
  const DefenderServiceSettings settings_;
  std::unique_ptr<defender::ScanPipeline> pipeline_;
  std::shared_ptr<defender::DecisionLog> log_;
  std::shared_ptr<judge::Judge> judge_;
  boost::asio::thread_pool pool_;
  std::atomic<std::size_t> in_flight_{0};

  mutable std::mutex mutex_;
  std::uint64_t scans_ = 0;
  std::uint64_t busy_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t log_errors_ = 0;
  std::map<std::string, std::uint64_t> by_action_;
  std::map<std::string, std::uint64_t> by_source_;
  std::map<std::string, std::uint64_t> by_origin_;
  std::map<std::string, std::uint64_t> http_by_status_;
  judge::LatencyRecorder latency_{4096};
  std::chrono::steady_clock::time_point secrets_refreshed_{};
};

}  // namespace openclawd::defender_service
