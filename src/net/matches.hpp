#pragma once
// Constructors of the matches the compiler uses. Each returns the readable nft
// form together with the register operations nft itself would generate.
#include <cstdint>
#include <string>
#include <string_view>

#include "openclawd/net/ruleset.hpp"

namespace openclawd::net::match {

Match iifname(std::string_view name);
Match oifname(std::string_view name);
Match ether_type_ip();
Match ether_type_arp();
Match ether_type_ip6();
Match ether_saddr_not(const MacAddress& mac);
Match arp_sender_ip_not(Ipv4Address address);
Match nfproto_ipv4();
Match ip_saddr(Ipv4Address address, bool negate = false);
Match ip_daddr(Ipv4Address address, bool negate = false);
Match ip_saddr_in(const Ipv4Interface& subnet);
Match ip_daddr_not_in(const Ipv4Interface& subnet);
Match ip_daddr_in_set(std::string_view set);
Match l4proto(std::string_view proto);  // "tcp" | "udp"
Match dport(std::uint16_t port);
Match sport(std::uint16_t port);
Match tcp_not_syn_only();  // tcp flags & (syn|ack) != syn
Match ct_established_or_related();
Match ct_new();

}  // namespace openclawd::net::match
