#pragma once
// The defender's HTTP API for the guests (Boost.Beast on the daemon's
// io_context): POST /v1/scan with a bearer token, GET /v1/health. Limits:
// body size, connections, per-request timeouts; scans themselves are bounded
// by ScanCore's concurrency gate. Every error is a JSON body with its code.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "openclawd/core/result.hpp"
#include "scan_core.hpp"

namespace openclawd::defender_service {

class HttpSession;

class HttpApi : public std::enable_shared_from_this<HttpApi> {
 public:
  HttpApi(boost::asio::io_context& io, std::shared_ptr<ScanCore> core, ApiSettings settings);

  // Binds and starts accepting; errors name the address and the fix.
  Status start();
  void stop();
  std::string address() const;  // the bound address, port included

  const ApiSettings& settings() const { return settings_; }
  boost::asio::io_context& io() { return io_; }
  const std::shared_ptr<ScanCore>& core() const { return core_; }
  void session_ended();

 private:
  void accept();
  std::string address_string() const;
  bool client_allowed(const boost::asio::ip::tcp::endpoint& remote) const;

  boost::asio::io_context& io_;
  std::shared_ptr<ScanCore> core_;
  const ApiSettings settings_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::size_t sessions_ = 0;  // event loop thread only
  std::vector<std::weak_ptr<HttpSession>> open_sessions_;
  bool stopped_ = false;
};

}  // namespace openclawd::defender_service
