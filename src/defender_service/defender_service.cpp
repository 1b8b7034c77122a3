#include "openclawd/defender_service/defender_service.hpp"

#include <fmt/format.h>

#include "http_api.hpp"
#include "openclawd/core/log.hpp"
#include "openclawd/judge/judge.hpp"
#include "scan_core.hpp"

namespace openclawd::defender_service {
namespace {

void register_scan_command(control::CommandRegistry& commands, std::shared_ptr<ScanCore> core) {
  control::CommandInfo info;
  info.description =
      "Scan a text with the defender: {\"text\": ..., \"source\": ..., \"context\": {...}}";
  info.changes_state = false;
  info.handler = [core](const control::Request& request, const control::Peer&,
                        control::Reply reply) {
    auto parsed = defender::scan_request_from_json(request.arguments);
    if (!parsed) {
      return reply(control::Response::failure(control::ResultCode::bad_request,
                                              "scan: " + parsed.error().message));
    }
    auto shared_reply = std::make_shared<control::Reply>(std::move(reply));
    const bool accepted = core->submit(
        std::move(*parsed), "control", [shared_reply](const defender::ScanResult& result) {
          (*shared_reply)(control::Response::ok(std::string(defender::to_string(result.action)),
                                                defender::to_json(result)));
        });
    if (!accepted) {
      (*shared_reply)(control::Response::failure(
          control::ResultCode::error,
          "scan: the defender is busy (defender.max_concurrent_scans); retry shortly"));
    }
  };
  commands.add("scan", std::move(info));
}

}  // namespace

Result<std::unique_ptr<DefenderService>> DefenderService::create(
    boost::asio::io_context& io, DefenderServiceSettings settings,
    control::CommandRegistry& commands) {
  std::shared_ptr<defender::DecisionLog> log;
  if (!settings.log.file.empty()) {
    auto opened = defender::DecisionLog::open(settings.log);
    if (!opened) return opened.error();
    log = std::move(*opened);
  }

  // Every call the judge makes goes to the decision log (hash, never text).
  judge::DecisionSink sink;
  if (log) {
    sink = [log](const judge::JudgeCallRecord& record) {
      auto line = judge::to_json(record);
      line["type"] = "judge_call";
      if (auto written = log->append(line); !written) {
        spdlog::error("defender: {}", written.error().message);
      }
    };
  }
  auto built = defender::build_pipeline(settings, std::move(sink));
  if (!built) return built.error();
  auto pipeline = std::move(built->pipeline);
  auto judge = std::move(built->judge);

  auto core = std::make_shared<ScanCore>(io, std::move(settings), std::move(pipeline),
                                         std::move(log), judge);
  register_scan_command(commands, core);
  return std::unique_ptr<DefenderService>(new DefenderService(io, std::move(core)));
}

DefenderService::DefenderService(boost::asio::io_context& io, std::shared_ptr<ScanCore> core)
    : io_(io), core_(std::move(core)) {}

std::shared_ptr<defender::AsyncScanner> DefenderService::scanner() const {
  return core_;
}

DefenderService::~DefenderService() {
  stop();
}

Status DefenderService::start() {
  const auto& api = core_->settings().api;
  if (!api) return ok_status();
  if (api->token_files.empty()) {
    return make_error(
        "defender: the HTTP API (defender.listen) needs a token: give a VM a "
        "\"defender-token\" secret or set defender.token_file");
  }
  api_ = std::make_unique<HttpApi>(io_, core_, *api);
  if (auto started = api_->start(); !started) {
    api_.reset();
    return started;
  }
  return ok_status();
}

void DefenderService::stop() {
  if (api_) {
    api_->stop();
    api_.reset();
  }
  // Running scans finish (bounded by their time budget) before the daemon's
  // event loop goes away: their completions are posted to it.
  core_->join();
}

std::string DefenderService::api_address() const {
  return api_ ? api_->address() : std::string();
}

nlohmann::json DefenderService::status() const {
  auto out = core_->status();
  if (core_->settings().api) {
    out["http"]["listen"] = api_ ? api_->address() : std::string();
  }
  return out;
}

}  // namespace openclawd::defender_service
