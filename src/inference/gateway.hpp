#pragma once
// What every gateway session shares: the settings, the defender, the HTTP
// client, the remembered verdicts, the redactor, the call log and the
// counters. Event loop thread only.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "openclawd/core/jsonl_file.hpp"
#include "openclawd/defender/async_scanner.hpp"
#include "openclawd/http/client.hpp"
#include "openclawd/inference/seen_messages.hpp"
#include "openclawd/inference/settings.hpp"
#include "openclawd/inference/sse_relay.hpp"
#include "openclawd/judge/redactor.hpp"
#include "openclawd/judge/stats.hpp"

namespace openclawd::inference {

// One model call, as the call log keeps it (inference.jsonl).
struct CallRecord {
  std::chrono::system_clock::time_point ts;
  std::string client;  // the VM whose token it was
  std::string peer;    // its address:port
  std::string provider;
  std::string route;  // "chat" or "models"
  std::string model;
  bool stream = false;
  unsigned status = 0;     // what the guest got
  std::string error_code;  // when the gateway answered an error itself
  std::string error;
  double latency_ms = 0;
  double first_byte_ms = -1;  // the provider's first byte; -1: none
  double scan_ms = 0;         // waiting for the defender
  std::size_t request_bytes = 0;
  std::size_t upstream_request_bytes = 0;
  std::size_t response_bytes = 0;  // from the provider
  Usage usage;
  nlohmann::json request_defender;  // RequestFilter::summary()
  std::size_t tool_calls_checked = 0;
  std::size_t tool_calls_blocked = 0;
  nlohmann::json blocked_calls = nlohmann::json::array();
  std::size_t redactions = 0;
  std::string reply_action;  // the outbound verdict on the assistant text
};

nlohmann::json to_json(const CallRecord& record);

class Gateway {
 public:
  Gateway(InferenceSettings settings, std::shared_ptr<defender::AsyncScanner> scanner,
          std::unique_ptr<http::HttpClient> client, std::unique_ptr<JsonlFile> log);

  const InferenceSettings& settings() const { return settings_; }
  defender::AsyncScanner& scanner() { return *scanner_; }
  http::HttpClient& client() { return *client_; }
  SeenMessages& seen() { return seen_; }
  // The redactor with the daemon's secrets and the providers' keys, re-read
  // at most every few seconds.
  const judge::Redactor& redactor();

  // Whose token `presented` is (every source compared, constant time).
  std::optional<std::string> client_of(std::string_view presented) const;
  const Provider* provider(std::string_view name) const;
  // The provider's key, read now (an error names the file and the fix).
  Result<std::string> api_key(const Provider& provider) const;

  // A call may start: false when max_concurrent_calls are running.
  bool admit();
  // A call ended: logged, counted, its slot freed (`admitted` said whether it had one).
  void finish(const CallRecord& record, bool admitted);

  void count_http(unsigned status);
  nlohmann::json status() const;

 private:
  const InferenceSettings settings_;
  std::shared_ptr<defender::AsyncScanner> scanner_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<JsonlFile> log_;
  SeenMessages seen_;
  judge::Redactor redactor_;
  std::chrono::steady_clock::time_point secrets_read_{};

  std::size_t in_flight_ = 0;
  std::uint64_t calls_ = 0;
  std::uint64_t busy_ = 0;
  std::map<std::string, std::uint64_t> by_status_;  // the guests' answers, HTTP codes
  std::map<std::string, std::uint64_t> by_provider_;
  std::map<std::string, std::uint64_t> by_client_;
  std::map<std::string, std::uint64_t> errors_;  // the gateway's own error codes
  std::uint64_t messages_scanned_ = 0;
  std::uint64_t messages_remembered_ = 0;
  std::uint64_t messages_removed_ = 0;
  std::uint64_t messages_sanitized_ = 0;
  std::uint64_t tool_calls_checked_ = 0;
  std::uint64_t tool_calls_blocked_ = 0;
  std::uint64_t redactions_ = 0;
  std::uint64_t prompt_tokens_ = 0;
  std::uint64_t completion_tokens_ = 0;
  std::uint64_t log_errors_ = 0;
  judge::LatencyRecorder latency_{4096};
};

}  // namespace openclawd::inference
