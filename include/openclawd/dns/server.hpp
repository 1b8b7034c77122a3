#pragma once
// The DNS frontend for the guests: UDP and TCP listeners on the configured
// addresses, one QueryProcessor, libunbound (or another Upstream) behind it.
// Everything runs on the io_context's thread.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/dns/allowlist_sink.hpp"
#include "openclawd/dns/egress_decisions.hpp"
#include "openclawd/dns/query_processor.hpp"
#include "openclawd/dns/settings.hpp"
#include "openclawd/dns/upstream.hpp"

namespace openclawd::dns {

class UdpFrontend;
class TcpFrontend;

class DnsServer {
 public:
  // `upstream` null: libunbound with settings.forwarders / trust_anchor.
  // `allowlist` may be null (egress not in allowlist mode); it must outlive the server.
  DnsServer(boost::asio::io_context& io, ResolverSettings settings,
            std::unique_ptr<Upstream> upstream = nullptr, AllowlistSink* allowlist = nullptr);
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  // Loads the policy, opens the log, binds every listen address (UDP and TCP).
  Status start();
  void stop();

  // The bound endpoints ("127.0.0.1:40123"), in listen order (port 0 resolved).
  std::vector<ListenEndpoint> bound() const;
  nlohmann::json status() const;
  const QueryProcessor* processor() const { return processor_.get(); }
  // The admin's decisions on names the policy leaves to "ask".
  EgressDecisions& decisions() { return decisions_; }
  const ResolverSettings& settings() const { return settings_; }

 private:
  boost::asio::io_context& io_;
  ResolverSettings settings_;
  AllowlistSink* allowlist_;
  EgressDecisions decisions_;
  std::unique_ptr<QueryLog> log_;
  std::unique_ptr<QueryProcessor> processor_;
  std::vector<std::shared_ptr<UdpFrontend>> udp_;
  std::vector<std::shared_ptr<TcpFrontend>> tcp_;
  // Declared last so that it goes first: its pending callbacks refer to the above.
  std::unique_ptr<Upstream> upstream_;
};

}  // namespace openclawd::dns
