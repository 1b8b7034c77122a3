#include "openclawd/dns/server.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/address_v4.hpp>

#include "frontends.hpp"

namespace openclawd::dns {

DnsServer::DnsServer(boost::asio::io_context& io, ResolverSettings settings,
                     std::unique_ptr<Upstream> upstream, AllowlistSink* allowlist)
    : io_(io),
      settings_(std::move(settings)),
      allowlist_(allowlist),
      decisions_(settings_.decisions_file, settings_.max_pending_names),
      upstream_(std::move(upstream)) {}

DnsServer::~DnsServer() {
  stop();
}

Status DnsServer::start() {
  DnsPolicy policy;
  if (!settings_.policy_file.empty()) {
    auto loaded = DnsPolicy::load(settings_.policy_file);
    if (!loaded) return loaded.error();
    policy = std::move(*loaded);
  }
  if (auto loaded = decisions_.load(); !loaded) {
    // Refusing to start would take DNS from every guest; starting without the
    // decisions only sends the asked names back to pending (refused), so the
    // file is kept aside for the admin and the resolver runs.
    const auto aside = decisions_.file().string() + ".corrupt";
    std::error_code ec;
    std::filesystem::rename(decisions_.file(), aside, ec);
    spdlog::error(
        "dns: {}; starting without egress decisions (the file was moved to {}; fix it "
        "and move it back, or decide again with `openclawd egress allow|deny`)",
        loaded.error().message, ec ? decisions_.file().string() : aside);
  }
  auto acl = ClientAcl::make(settings_.clients, settings_.guests);
  if (!acl) return acl.error();
  if (!upstream_) {
    auto made = make_unbound_upstream(io_, {settings_.forwarders, settings_.trust_anchor});
    if (!made) return made.error();
    upstream_ = std::move(*made);
  }
  log_ =
      std::make_unique<QueryLog>(settings_.log_file, settings_.log_max_bytes, settings_.log_keep);
  if (!settings_.log_file.empty()) {
    if (auto opened = log_->open(); !opened) return opened;
  }
  processor_ = std::make_unique<QueryProcessor>(settings_, std::move(*acl), std::move(policy),
                                                *upstream_, *log_, allowlist_, &decisions_);
  for (const auto& listen : settings_.listen) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address_v4(listen.address, ec);
    if (ec) {
      return make_error(
          fmt::format("DNS listen address \"{}\" is not IPv4; check /dns/listen", listen.address));
    }
    auto udp = std::make_shared<UdpFrontend>(io_, *processor_);
    if (auto s = udp->bind({address, listen.port}); !s) return s;
    // TCP on the same port as UDP (port 0: the one the kernel gave UDP).
    const std::uint16_t port = udp->local_endpoint().port();
    auto tcp = std::make_shared<TcpFrontend>(io_, *processor_, settings_);
    if (auto s = tcp->bind({address, port}); !s) return s;
    udp->start();
    tcp->start();
    spdlog::info("dns: listening on {}:{} (udp, tcp)", listen.address, port);
    udp_.push_back(std::move(udp));
    tcp_.push_back(std::move(tcp));
  }
  return ok_status();
}

void DnsServer::stop() {
  for (auto& udp : udp_) udp->close();
  for (auto& tcp : tcp_) tcp->close();
  udp_.clear();
  tcp_.clear();
}

std::vector<ListenEndpoint> DnsServer::bound() const {
  std::vector<ListenEndpoint> out;
  for (const auto& udp : udp_) {
    const auto endpoint = udp->local_endpoint();
    out.push_back({endpoint.address().to_string(), endpoint.port()});
  }
  return out;
}

nlohmann::json DnsServer::status() const {
  if (!processor_) return nullptr;
  nlohmann::json out = processor_->counters();
  nlohmann::json listen = nlohmann::json::array();
  for (const auto& endpoint : bound())
    listen.push_back(fmt::format("{}:{}", endpoint.address, endpoint.port));
  out["listen"] = listen;
  out["approvals"] = decisions_.counts(WallClock::now());
  return out;
}

}  // namespace openclawd::dns
