#pragma once
// The inference gateway as a daemon part: the guests' model calls come in on
// `inference.listen` with a per-VM token, go out to the provider with the key
// that stays on the host, and the defender scans what the model reads and
// does on the way (docs/inference.md).

#include <boost/asio/io_context.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "openclawd/core/result.hpp"
#include "openclawd/daemon/service.hpp"
#include "openclawd/defender/async_scanner.hpp"
#include "openclawd/inference/settings.hpp"

namespace openclawd::http {
class Server;
}

namespace openclawd::inference {

class Gateway;

class InferenceService final : public daemon::Service {
 public:
  // Checks the settings, opens the call log and sets up the HTTP client.
  // `scanner` is the daemon's defender.
  static Result<std::unique_ptr<InferenceService>> create(
      boost::asio::io_context& io, InferenceSettings settings,
      std::shared_ptr<defender::AsyncScanner> scanner);
  ~InferenceService() override;

  std::string_view name() const override { return "inference"; }
  Status start() override;  // listens
  void stop() override;
  nlohmann::json status() const override;

  // The bound address ("127.0.0.1:40123"); empty before start.
  std::string address() const;

 private:
  InferenceService(boost::asio::io_context& io, std::shared_ptr<Gateway> gateway);

  boost::asio::io_context& io_;
  std::shared_ptr<Gateway> gateway_;
  std::shared_ptr<http::Server> server_;
};

}  // namespace openclawd::inference
