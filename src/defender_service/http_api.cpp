#include "http_api.hpp"

#include <fmt/format.h>

#include <boost/beast/http.hpp>

#include "openclawd/defender/api_request.hpp"
#include "openclawd/http/bearer.hpp"

namespace openclawd::defender_service {
namespace {

namespace bhttp = boost::beast::http;

bool is_json_content_type(std::string_view header) {
  const auto type = header.substr(0, header.find(';'));
  std::string_view trimmed = type;
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.remove_suffix(1);
  while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
  return boost::beast::iequals(trimmed, "application/json");
}

class ScanSession final : public http::Session {
 public:
  ScanSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<http::Server> server,
              std::shared_ptr<ScanCore> core)
      : Session(std::move(socket), std::move(server)), core_(std::move(core)) {}

 private:
  void on_header(Parser& parser) override {
    const auto& request = parser.get();
    std::string_view target = request.target();
    target = target.substr(0, target.find('?'));
    if (target == "/v1/health") {
      if (request.method() != bhttp::verb::get) {
        return fail(405, "method_not_allowed", "use GET /v1/health", "GET");
      }
      return respond_json(200, {{"status", "ok"}});
    }
    if (target != "/v1/scan") {
      return fail(404, "not_found", "no such endpoint; use POST /v1/scan or GET /v1/health");
    }
    if (request.method() != bhttp::verb::post) {
      return fail(405, "method_not_allowed", "use POST /v1/scan", "POST");
    }
    const auto token = http::bearer_token(request[bhttp::field::authorization]);
    if (token.empty() || !core_->token_accepted(token)) {
      return fail(401, "unauthorized",
                  "missing or wrong bearer token (Authorization: Bearer <defender token>)");
    }
    if (!is_json_content_type(request[bhttp::field::content_type])) {
      return fail(415, "unsupported_media_type", "the body must be Content-Type: application/json");
    }
    read_body();
  }

  void on_request(Parser& parser) override {
    auto request = defender::parse_scan_request(parser.get().body());
    if (!request) return fail(400, "bad_request", request.error().message);
    // The scan has its own time budget; the connection waits for it.
    suspend_timeout();
    auto self = std::static_pointer_cast<ScanSession>(shared_from_this());
    const bool accepted =
        core_->submit(std::move(*request), "http", [self](const defender::ScanResult& result) {
          self->respond_json(200, defender::to_json(result));
        });
    if (!accepted) {
      fail(503, "busy",
           fmt::format("{} scans are running (defender.max_concurrent_scans); retry shortly",
                       core_->settings().max_concurrent_scans));
    }
  }

  void on_status(unsigned status) override { core_->count_http(status); }

  std::shared_ptr<ScanCore> core_;
};

}  // namespace

HttpApi::HttpApi(boost::asio::io_context& io, std::shared_ptr<ScanCore> core,
                 const ApiSettings& settings) {
  http::ServerSettings server;
  server.name = "defender API";
  server.config_key = "defender";
  server.listen = settings.listen;
  server.clients = settings.clients;
  server.max_body_bytes = settings.max_body_bytes;
  server.max_connections = settings.max_connections;
  server.request_timeout = settings.request_timeout;
  server_ = std::make_shared<http::Server>(
      io, std::move(server),
      [core = std::move(core)](
          boost::asio::ip::tcp::socket socket,
          std::shared_ptr<http::Server> owner) -> std::shared_ptr<http::Session> {
        return std::make_shared<ScanSession>(std::move(socket), std::move(owner), core);
      });
}

}  // namespace openclawd::defender_service
