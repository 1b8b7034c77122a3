// settings -> Ruleset. The policy, in words:
//  bridge openclawd prerouting: a frame from a guest's tap must carry the
//    guest's MAC and, for IPv4 and ARP, its IP; anything else from a tap drops.
//  bridge openclawd forward (guest to guest, where the inet hooks never look
//    without br_netfilter): ARP, the configured flows and their replies; the rest
//    from a tap drops. The bridge family has no conntrack on Debian kernels
//    without nf_conntrack_bridge, so replies are matched statelessly: the
//    reverse direction only from the service port and never a bare SYN.
//  inet openclawd input: from the bridge only DNS and (for their clients) the
//    defender API and the inference gateway reach the host.
//  inet openclawd forward: guests may open new connections out (logged with the
//    VM name; in allowlist mode only to the VM's set); nothing opens into them.
//  inet openclawd postrouting: masquerade the bridge subnet when nat is on.
#include <fmt/format.h>

#include <map>
#include <set>

#include "matches.hpp"
#include "openclawd/net/ruleset.hpp"

namespace openclawd::net {
namespace {

Rule rule(std::vector<Match> matches, Verdict verdict) {
  Rule r;
  r.matches = std::move(matches);
  r.verdict = verdict;
  return r;
}

// A rate-limited log line followed by the drop (a limit that is exceeded only
// skips the log rule, the drop still happens).
void add_logged_drop(std::vector<Rule>& rules, std::vector<Match> matches, std::string prefix,
                     const NetworkSettings& s) {
  Rule log = rule(matches, Verdict::none);
  log.limit = Limit{static_cast<std::uint64_t>(s.drop_log_rate_per_s), 5};
  log.log = LogAction{std::move(prefix), s.log_group};
  rules.push_back(std::move(log));
  rules.push_back(rule(std::move(matches), Verdict::drop));
}

std::string prefix(std::string_view verdict, std::string_view vm) {
  // Parsed back by the egress log reader: "ocd <verdict> <vm> ".
  return fmt::format("ocd {} {} ", verdict, vm);
}

Status validate(const NetworkSettings& s, std::map<std::string, const GuestLink*>& by_name) {
  if (s.bridge.empty() || s.bridge.size() > 15) {
    return make_error(
        fmt::format("network: bridge name '{}' must be 1 to 15 characters", s.bridge));
  }
  if (s.address.prefix_length < 8 || s.address.prefix_length > 30) {
    return make_error(fmt::format("network: bridge address '{}' needs a prefix between /8 and /30",
                                  s.address.to_string()));
  }
  if (s.drop_log_rate_per_s < 1) {
    return make_error("network: drop_log_rate_per_s must be at least 1");
  }
  std::set<std::string> taps;
  std::set<std::uint32_t> ips{s.address.address.value};
  for (const auto& g : s.guests) {
    if (g.name.empty() || g.name.size() > 32 ||
        g.name.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
            std::string::npos) {
      return make_error(
          fmt::format("network: VM name '{}' must be 1 to 32 letters, digits, '_' or '-'", g.name));
    }
    if (!by_name.emplace(g.name, &g).second) {
      return make_error(fmt::format("network: VM '{}' is listed twice", g.name));
    }
    if (g.tap.empty() || g.tap.size() > 15 || g.tap == s.bridge || !taps.insert(g.tap).second) {
      return make_error(fmt::format(
          "network: VM '{}': tap '{}' must be 1 to 15 characters, unique and not the bridge",
          g.name, g.tap));
    }
    if (!s.address.contains(g.ip) || g.ip == s.address.network() || g.ip == s.address.broadcast() ||
        !ips.insert(g.ip.value).second) {
      return make_error(
          fmt::format("network: VM '{}': ip {} must be a unique host address inside {}", g.name,
                      g.ip.to_string(), s.address.to_string()));
    }
  }
  for (std::size_t i = 0; i < s.flows.size(); ++i) {
    const auto& f = s.flows[i];
    if (!by_name.count(f.from) || !by_name.count(f.to) || f.from == f.to) {
      return make_error(
          fmt::format("network: flows/{}: '{}' -> '{}' must name two different configured VMs", i,
                      f.from, f.to));
    }
    if ((f.proto != "tcp" && f.proto != "udp") || f.port == 0) {
      return make_error(
          fmt::format("network: flows/{}: proto must be tcp or udp and port 1-65535 (got {} {})", i,
                      f.proto, f.port));
    }
  }
  for (const auto& host_port : s.host_ports) {
    for (const auto& client : host_port.clients) {
      if (!by_name.count(client)) {
        return make_error(fmt::format("network: {} client '{}' is not a configured VM",
                                      host_port.service, client));
      }
    }
  }
  return ok_status();
}

Table bridge_table(const NetworkSettings& s, const std::map<std::string, const GuestLink*>& vm) {
  Table t{Family::bridge, kTableName, {}, {}};
  Chain pre{"prerouting", "filter", "prerouting", -200, Verdict::accept, {}};
  for (const auto& g : s.guests) {
    add_logged_drop(pre.rules, {match::iifname(g.tap), match::ether_saddr_not(g.mac)},
                    prefix("spoof", g.name), s);
    pre.rules.push_back(rule({match::iifname(g.tap), match::ether_type_ip(), match::ip_saddr(g.ip)},
                             Verdict::accept));
    add_logged_drop(
        pre.rules, {match::iifname(g.tap), match::ether_type_arp(), match::arp_sender_ip_not(g.ip)},
        prefix("spoof", g.name), s);
    pre.rules.push_back(rule({match::iifname(g.tap), match::ether_type_arp()}, Verdict::accept));
    // Guests are IPv4 only; their kernels still send IPv6 neighbour and
    // router solicitations. Dropped without a log line: they are not spoofing.
    pre.rules.push_back(rule({match::iifname(g.tap), match::ether_type_ip6()}, Verdict::drop));
    add_logged_drop(pre.rules, {match::iifname(g.tap)}, prefix("spoof", g.name), s);
  }
  Chain fwd{"forward", "filter", "forward", 0, Verdict::accept, {}};
  for (const auto& g : s.guests) {
    fwd.rules.push_back(rule({match::iifname(g.tap), match::ether_type_arp()}, Verdict::accept));
  }
  for (const auto& f : s.flows) {
    const GuestLink& from = *vm.at(f.from);
    const GuestLink& to = *vm.at(f.to);
    fwd.rules.push_back(
        rule({match::iifname(from.tap), match::oifname(to.tap), match::ether_type_ip(),
              match::ip_saddr(from.ip), match::ip_daddr(to.ip), match::l4proto(f.proto),
              match::dport(f.port)},
             Verdict::accept));
    std::vector<Match> reply{match::iifname(to.tap),   match::oifname(from.tap),
                             match::ether_type_ip(),   match::ip_saddr(to.ip),
                             match::ip_daddr(from.ip), match::l4proto(f.proto),
                             match::sport(f.port)};
    if (f.proto == "tcp") reply.push_back(match::tcp_not_syn_only());
    fwd.rules.push_back(rule(std::move(reply), Verdict::accept));
  }
  for (const auto& g : s.guests) {
    add_logged_drop(fwd.rules, {match::iifname(g.tap)}, prefix("drop", g.name), s);
  }
  t.chains.push_back(std::move(pre));
  t.chains.push_back(std::move(fwd));
  return t;
}

Table inet_table(const NetworkSettings& s, const std::map<std::string, const GuestLink*>& vm) {
  Table t{Family::inet, kTableName, {}, {}};
  for (const auto& g : s.guests) t.sets.push_back(Set{allowlist_set_name(g.name)});
  const Ipv4Address host = s.address.address;

  Chain in{"input", "filter", "input", 0, Verdict::accept, {}};
  in.rules.push_back(
      rule({match::iifname(s.bridge), match::ct_established_or_related()}, Verdict::accept));
  for (auto port : s.dns_ports) {
    for (const char* proto : {"udp", "tcp"}) {
      in.rules.push_back(rule({match::iifname(s.bridge), match::nfproto_ipv4(),
                               match::ip_daddr(host), match::l4proto(proto), match::dport(port)},
                              Verdict::accept));
    }
  }
  for (const auto& host_port : s.host_ports) {
    for (const auto& client : host_port.clients) {
      in.rules.push_back(
          rule({match::iifname(s.bridge), match::nfproto_ipv4(), match::ip_saddr(vm.at(client)->ip),
                match::ip_daddr(host), match::l4proto("tcp"), match::dport(host_port.port)},
               Verdict::accept));
    }
  }
  for (const auto& g : s.guests) {
    add_logged_drop(in.rules,
                    {match::iifname(s.bridge), match::nfproto_ipv4(), match::ip_saddr(g.ip)},
                    prefix("drop", g.name), s);
  }
  in.rules.push_back(rule({match::iifname(s.bridge)}, Verdict::drop));

  Chain fwd{"forward", "filter", "forward", 0, Verdict::accept, {}};
  // Only with br_netfilter does bridged traffic show up here; the bridge table
  // has already filtered it.
  fwd.rules.push_back(rule({match::iifname(s.bridge), match::oifname(s.bridge)}, Verdict::accept));
  fwd.rules.push_back(
      rule({match::iifname(s.bridge), match::ct_established_or_related()}, Verdict::accept));
  fwd.rules.push_back(
      rule({match::oifname(s.bridge), match::ct_established_or_related()}, Verdict::accept));
  fwd.rules.push_back(rule({match::oifname(s.bridge)}, Verdict::drop));
  for (const auto& g : s.guests) {
    std::vector<Match> out{match::iifname(s.bridge)};
    if (!s.uplink.empty()) out.push_back(match::oifname(s.uplink));
    out.push_back(match::nfproto_ipv4());
    out.push_back(match::ip_saddr(g.ip));
    if (s.egress_mode == EgressMode::allowlist) {
      out.push_back(match::ip_daddr_in_set(allowlist_set_name(g.name)));
    }
    out.push_back(match::ct_new());
    Rule accept = rule(std::move(out), Verdict::accept);
    accept.log = LogAction{prefix("accept", g.name), s.log_group};
    fwd.rules.push_back(std::move(accept));
    add_logged_drop(fwd.rules,
                    {match::iifname(s.bridge), match::nfproto_ipv4(), match::ip_saddr(g.ip)},
                    prefix("drop", g.name), s);
  }
  fwd.rules.push_back(rule({match::iifname(s.bridge)}, Verdict::drop));
  t.chains.push_back(std::move(in));
  t.chains.push_back(std::move(fwd));

  if (s.nat) {
    Chain post{"postrouting", "nat", "postrouting", 100, Verdict::accept, {}};
    std::vector<Match> m{match::nfproto_ipv4(), match::ip_saddr_in(s.address),
                         match::ip_daddr_not_in(s.address)};
    if (!s.uplink.empty()) m.insert(m.begin(), match::oifname(s.uplink));
    Rule masq = rule(std::move(m), Verdict::none);
    masq.masquerade = true;
    post.rules.push_back(std::move(masq));
    t.chains.push_back(std::move(post));
  }
  return t;
}

}  // namespace

std::string allowlist_set_name(std::string_view vm) {
  return fmt::format("allow_{}", vm);
}

Result<Ruleset> compile_ruleset(const NetworkSettings& settings) {
  std::map<std::string, const GuestLink*> by_name;
  if (auto status = validate(settings, by_name); !status) return status.error();
  Ruleset ruleset;
  ruleset.tables.push_back(bridge_table(settings, by_name));
  ruleset.tables.push_back(inet_table(settings, by_name));
  return ruleset;
}

}  // namespace openclawd::net
