#include "openclawd/dns/service.hpp"

namespace openclawd::dns {

ResolverSettings settings_from_config(const config::Config& config) {
  ResolverSettings settings;
  const auto& dns = config.dns;
  for (const auto& endpoint : dns.listen) {
    settings.listen.push_back({endpoint.address.to_string(), endpoint.port});
  }
  settings.forwarders = dns.forwarders;
  settings.trust_anchor = dns.trust_anchor;
  settings.policy_file = dns.policy;
  settings.denied_answer = dns.denied_answer == config::DeniedDnsAnswer::refused
                               ? DeniedAnswer::refused
                               : DeniedAnswer::nxdomain;
  settings.rate_limit_qps = dns.rate_limit_qps;
  settings.answer_cache_entries = static_cast<std::size_t>(dns.cache_entries);
  settings.clients.push_back(
      {config.network.address.network().to_string(), config.network.address.prefix_length});
  for (const auto& extra : dns.extra_clients) {
    settings.clients.push_back({extra.network().to_string(), extra.prefix_length});
  }
  for (const auto& vm : config.vms) settings.guests.push_back({vm.name, vm.network.ip.to_string()});
  settings.log_file = dns.log_file;
  if (!config.state_dir.empty())
    settings.decisions_file = config.state_dir / "egress-decisions.json";
  settings.allowlist_grace = std::chrono::seconds(config.network.egress.allowlist_grace_s);
  return settings;
}

}  // namespace openclawd::dns
