#pragma once
// The network of config/openclawd.example.json as NetworkSettings.
#include "openclawd/net/settings.hpp"

namespace openclawd::net::testing {

inline NetworkSettings reference_settings() {
  NetworkSettings s;
  s.bridge = "microbr";
  s.address = *Ipv4Interface::parse("192.168.83.1/24");
  s.uplink = "eno1";
  s.flows = {{"openclaw", "gogcli", "tcp", 22}};
  s.guests = {{"gogcli", "microvm-gog", *MacAddress::parse("02:00:00:00:00:02"),
               *Ipv4Address::parse("192.168.83.3")},
              {"openclaw", "microvm-oc", *MacAddress::parse("02:00:00:00:00:01"),
               *Ipv4Address::parse("192.168.83.2")}};
  s.dns_ports = {53};
  s.host_ports = {{"defender", 8787, {"openclaw"}}};
  return s;
}

}  // namespace openclawd::net::testing
