#pragma once
// The DNS frontend as a daemon Service, built from the config.

#include <memory>

#include "openclawd/config/config.hpp"
#include "openclawd/daemon/service.hpp"
#include "openclawd/dns/allowlist_sink.hpp"
#include "openclawd/dns/server.hpp"
#include "openclawd/dns/settings.hpp"

namespace openclawd::dns {

// /dns plus the bridge subnet (served), the VMs' addresses (VM names) and
// /network/egress/mode (allowlist feeding).
ResolverSettings settings_from_config(const config::Config& config);

class DnsService final : public daemon::Service {
 public:
  // `allowlist`: the net module's nft set adapter in allowlist mode, else null.
  DnsService(boost::asio::io_context& io, ResolverSettings settings, AllowlistSink* allowlist)
      : server_(io, std::move(settings), nullptr, allowlist) {}
  std::string_view name() const override { return "dns"; }
  Status start() override { return server_.start(); }
  void stop() override { server_.stop(); }
  nlohmann::json status() const override { return server_.status(); }

 private:
  DnsServer server_;
};

}  // namespace openclawd::dns
