#include "openclawd/inference/inference_service.hpp"

#include <fmt/format.h>

#include "gateway.hpp"
#include "gateway_session.hpp"
#include "openclawd/core/log.hpp"
#include "openclawd/defender/rules.hpp"
#include "openclawd/http/server.hpp"

namespace openclawd::inference {

Result<std::unique_ptr<InferenceService>> InferenceService::create(
    boost::asio::io_context& io, InferenceSettings settings,
    std::shared_ptr<defender::AsyncScanner> scanner) {
  if (!scanner) {
    return make_error(
        "inference: the gateway scans every model call with the defender; configure "
        "defender.rules");
  }
  if (settings.providers.empty()) return make_error("inference: no provider is configured");
  if (settings.tokens.empty()) {
    return make_error(
        "inference: no client can authenticate: give a VM an \"inference-token\" secret or set "
        "inference.token_file");
  }
  if (!defender::is_known_source(settings.user_message_source)) {
    return make_error(fmt::format(
        "inference.user_message_source: \"{}\" is not a defender source; use discord_message, "
        "tool_result, web_fetch, email, outbound_message or tool_call",
        settings.user_message_source));
  }
  for (const auto& provider : settings.providers) {
    std::error_code ec;
    if (!std::filesystem::exists(provider.api_key_file, ec)) {
      // Not fatal: calls to this provider answer 502 until the key is there.
      spdlog::warn("inference: provider \"{}\" has no API key yet ({} is missing)", provider.name,
                   provider.api_key_file.string());
    }
  }
  auto client = http::HttpClient::create(io);
  if (!client) return client.error().context("inference");
  std::unique_ptr<JsonlFile> log;
  if (!settings.log_file.empty()) {
    auto opened = JsonlFile::open(settings.log_file, "the inference log", "inference.log_file");
    if (!opened) return opened.error();
    log = std::move(*opened);
  }
  auto gateway = std::make_shared<Gateway>(std::move(settings), std::move(scanner),
                                           std::move(*client), std::move(log));
  return std::unique_ptr<InferenceService>(new InferenceService(io, std::move(gateway)));
}

InferenceService::InferenceService(boost::asio::io_context& io, std::shared_ptr<Gateway> gateway)
    : io_(io), gateway_(std::move(gateway)) {}

InferenceService::~InferenceService() {
  stop();
}

Status InferenceService::start() {
  const auto& settings = gateway_->settings();
  http::ServerSettings server;
  server.name = "inference gateway";
  server.config_key = "inference";
  server.listen = settings.listen;
  server.clients = settings.clients;
  server.max_body_bytes = settings.max_body_bytes;
  server.max_connections = settings.max_connections;
  server.request_timeout = settings.request_timeout;
  server_ = std::make_shared<http::Server>(
      io_, std::move(server),
      [gateway = gateway_](boost::asio::ip::tcp::socket socket,
                           std::shared_ptr<http::Server> owner) -> std::shared_ptr<http::Session> {
        return std::make_shared<GatewaySession>(std::move(socket), std::move(owner), gateway);
      });
  if (auto started = server_->start(); !started) {
    server_.reset();
    return started;
  }
  return ok_status();
}

void InferenceService::stop() {
  if (server_) {
    server_->stop();
    server_.reset();
  }
}

std::string InferenceService::address() const {
  return server_ ? server_->address() : std::string();
}

nlohmann::json InferenceService::status() const {
  auto out = gateway_->status();
  out["listen"] = address();
  return out;
}

}  // namespace openclawd::inference
