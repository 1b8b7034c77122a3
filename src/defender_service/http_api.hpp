#pragma once
// The defender's HTTP API for the guests (openclawd::http's server on the
// daemon's io_context): POST /v1/scan with a bearer token, GET /v1/health.
// The server bounds bodies, connections and request time; scans themselves
// are bounded by ScanCore's concurrency gate.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "openclawd/core/result.hpp"
#include "openclawd/http/server.hpp"
#include "scan_core.hpp"

namespace openclawd::defender_service {

class HttpApi {
 public:
  HttpApi(boost::asio::io_context& io, std::shared_ptr<ScanCore> core, const ApiSettings& settings);

  // Binds and starts accepting; errors name the address and the fix.
  Status start() { return server_->start(); }
  void stop() { server_->stop(); }
  std::string address() const { return server_->address(); }

 private:
  std::shared_ptr<http::Server> server_;
};

}  // namespace openclawd::defender_service
