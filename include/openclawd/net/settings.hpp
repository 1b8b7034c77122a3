#pragma once
// What the host network is built from: the bridge, the guests on it and the
// flows the admin allowed. Built from the config (settings_from_config) or
// directly by tests.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/config/config.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::net {

using config::Ipv4Address;
using config::Ipv4Interface;
using config::MacAddress;

enum class EgressMode { log, allowlist };

struct Flow {
  std::string from;   // VM name
  std::string to;     // VM name
  std::string proto;  // "tcp" or "udp"
  std::uint16_t port = 0;
};

struct GuestLink {
  std::string name;  // VM name, appears in log prefixes and set names
  std::string tap;
  MacAddress mac;
  Ipv4Address ip;
};

// A TCP port on the bridge address that some guests may reach: the defender
// API, the inference gateway.
struct HostPort {
  std::string service;  // its config section, in errors: "defender"
  std::uint16_t port = 0;
  std::vector<std::string> clients;  // VM names
};

struct NetworkSettings {
  std::string bridge = "microbr";
  Ipv4Interface address;  // host side of the bridge
  std::string uplink;     // empty: NAT out of any interface
  bool nat = true;
  // Turn IPv4 forwarding on for the bridge and the uplink (network.manage_forwarding).
  bool manage_forwarding = true;
  EgressMode egress_mode = EgressMode::log;
  std::vector<Flow> flows;
  std::vector<GuestLink> guests;
  std::vector<std::uint16_t> dns_ports = {53};  // on the bridge address, udp and tcp
  std::vector<HostPort> host_ports;             // on the bridge address, tcp
  std::uint16_t log_group = 83;                 // NFLOG group of the egress log
  int drop_log_rate_per_s = 10;
};

// The VMs that use each host service: those given its token secret.
struct HostServiceClients {
  std::vector<std::string> defender;   // "defender-token"
  std::vector<std::string> inference;  // "inference-token"
};

// The settings of the configured network. The defender API and the inference
// gateway, when they listen on the bridge address, are reachable from their
// clients only.
Result<NetworkSettings> settings_from_config(const config::Config& config,
                                             const HostServiceClients& clients);

}  // namespace openclawd::net
