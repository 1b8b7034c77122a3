#include "openclawd/defender_service/defender_service.hpp"

#include <fmt/format.h>

#include "http_api.hpp"
#include "openclawd/classifier/layer.hpp"
#include "openclawd/core/log.hpp"
#include "openclawd/judge/judge.hpp"
#include "openclawd/judge/judge_layer.hpp"
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
  if (settings.rules.empty()) {
    return make_error(
        "defender: /defender/rules is not set; point it at policies/defender/rules.json");
  }
  std::shared_ptr<defender::DecisionLog> log;
  if (!settings.log.file.empty()) {
    auto opened = defender::DecisionLog::open(settings.log);
    if (!opened) return opened.error();
    log = std::move(*opened);
  }

  std::shared_ptr<judge::Judge> judge;
  std::unique_ptr<defender::Layer> judge_layer;
  if (settings.judge_enabled) {
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
    auto made = judge::make_judge(settings.judge, std::move(sink));
    if (!made) return made.error().context("defender.judge");
    judge = std::move(*made);
    judge_layer = std::make_unique<judge::JudgeLayer>(judge);
    spdlog::info("defender: LLM judge enabled ({} at {})", settings.judge.model,
                 settings.judge.base_url);
  }

  // Layer 2: in-process models load (memory-mapped) here, so a broken model
  // directory is a startup error, not a failure on the first scan.
  config::DefenderConfig classifier_config;
  classifier_config.classifiers = settings.classifiers;
  auto classifier_layer = defender::make_classifier_layer(classifier_config);
  if (!classifier_layer) return classifier_layer.error();
  if (*classifier_layer) {
    spdlog::info("defender: {} ML classifier(s) as Layer 2", settings.classifiers.size());
  }

  auto normalizer = defender::Normalizer::create(settings.pipeline.normalizer);
  if (!normalizer) return normalizer.error().context("defender");
  auto rules = defender::load_rules_file(settings.rules);
  if (!rules) return rules.error().context("defender.rules");
  auto engine = defender::RuleEngine::compile(std::move(*rules), *normalizer);
  if (!engine) return engine.error().context(settings.rules.string());
  auto pipeline = std::make_unique<defender::ScanPipeline>(
      settings.pipeline, std::move(*normalizer), std::move(*engine), std::move(*classifier_layer),
      std::move(judge_layer));

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
