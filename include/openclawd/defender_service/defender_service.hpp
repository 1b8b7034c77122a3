#pragma once
// The defender as a daemon part: builds the scan pipeline (Layer 1 rules, the
// Layer 3 judge when enabled), owns the decision log and the counters shown by
// `status`, answers the control command `scan` and serves the HTTP API for the
// guests on `defender.listen` (docs/defender.md). Scans run on a worker pool,
// never on the event loop thread.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/config/config.hpp"
#include "openclawd/control/command_registry.hpp"
#include "openclawd/core/result.hpp"
#include "openclawd/daemon/service.hpp"
#include "openclawd/defender/async_scanner.hpp"
#include "openclawd/defender/build_pipeline.hpp"
#include "openclawd/defender/decision_log.hpp"
#include "openclawd/defender/scan.hpp"
#include "openclawd/judge/settings.hpp"

namespace openclawd::defender_service {

struct ApiSettings {
  config::Endpoint listen;                         // port 0: any free port (tests)
  std::vector<config::Ipv4Interface> clients;      // source networks allowed in
  std::vector<std::filesystem::path> token_files;  // any of their tokens is accepted
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_connections = 64;
  std::chrono::milliseconds request_timeout{10000};
};

// The secret values the daemon knows (per-boot tokens, keys, env files),
// re-read now and then so the judge's redactor removes them.
using KnownSecrets = std::function<std::vector<std::string>()>;

// The pipeline's own settings (rules, classifiers, judge, rules cache) are the
// base, built by defender::build_pipeline exactly as `openclawd scan` builds them.
struct DefenderServiceSettings : defender::PipelineBuildSettings {
  defender::DecisionLogSettings log;     // file empty: no decision log
  std::optional<ApiSettings> api;        // absent: no HTTP API
  std::size_t max_concurrent_scans = 4;  // worker threads; more at once are refused as busy
  KnownSecrets known_secrets;            // may be empty
};

// From the config's /defender section. `token_files` are the per-boot defender
// tokens of the guests (used when defender.token_file is not set).
DefenderServiceSettings settings_from_config(const config::Config& config,
                                             std::vector<std::filesystem::path> token_files);

// Every secret value found in the files of `directories` (one level, regular
// files under 64 KiB; env-file lines give their values).
std::vector<std::string> read_secret_values(const std::vector<std::filesystem::path>& directories);

class ScanCore;  // src/defender_service/scan_core.hpp
class HttpApi;   // src/defender_service/http_api.hpp

class DefenderService final : public daemon::Service {
 public:
  // Loads and compiles the rules, opens the decision log, sets up the judge
  // and registers `scan` on `commands`. Errors name the file and the fix.
  static Result<std::unique_ptr<DefenderService>> create(boost::asio::io_context& io,
                                                         DefenderServiceSettings settings,
                                                         control::CommandRegistry& commands);
  ~DefenderService() override;

  std::string_view name() const override { return "defender"; }
  Status start() override;  // opens the HTTP API when configured
  void stop() override;
  nlohmann::json status() const override;

  // The bound API address ("127.0.0.1:40123"); empty before start or without API.
  std::string api_address() const;
  // The same pipeline, workers, decision log and counters for other daemon
  // parts (the inference gateway). Valid as long as it is held.
  std::shared_ptr<defender::AsyncScanner> scanner() const;

 private:
  DefenderService(boost::asio::io_context& io, std::shared_ptr<ScanCore> core);

  boost::asio::io_context& io_;
  std::shared_ptr<ScanCore> core_;
  std::unique_ptr<HttpApi> api_;
};

}  // namespace openclawd::defender_service
