// IPv4 forwarding, br_netfilter and nftables: what the guests' network needs
// from the kernel of the namespace the daemon runs in.
#include <fmt/format.h>

#include "openclawd/doctor/doctor.hpp"
#include "openclawd/net/forwarding.hpp"
#include "openclawd/net/settings.hpp"

namespace openclawd::doctor {

Finding check_forwarding(const DoctorInput& input, const HostProbes& host,
                         const net::Sysctls& sysctls) {
  Finding f{"forwarding", Severity::ok, "", "", {}};
  if (!input.config) {
    f.severity = Severity::info;
    f.finding = "not checked: the config did not load";
    return f;
  }
  auto settings = net::settings_from_config(*input.config, {});
  if (!settings) {
    f.severity = Severity::error;
    f.finding = settings.error().message;
    return f;
  }
  const auto needs = net::forwarding_needs(*settings);
  const bool managed = settings->manage_forwarding;
  f.details["managed"] = managed;
  if (needs.empty()) {
    f.finding = "not needed: the network has neither NAT nor an uplink";
    return f;
  }
  std::vector<std::string> off;     // "name=value" of those not 1
  std::vector<std::string> to_set;  // "name=1", what an admin would run
  std::vector<std::string> on;
  bool stuck = false;  // off, and /proc/sys does not let the daemon write it
  nlohmann::json values = nlohmann::json::object();
  for (const auto& need : needs) {
    std::string key = need.key;
    auto value = sysctls.read(key);
    std::string note;
    if (!value && need.interface == settings->bridge) {
      // The daemon creates the bridge; it starts with the default value.
      key = net::interface_forwarding_key("default");
      note = fmt::format(" (bridge {} not created yet)", need.interface);
      value = sysctls.read(key);
    }
    if (!value) {
      f.severity = Severity::error;
      f.finding = need.interface.empty()
                      ? value.error().message
                      : fmt::format("network.uplink \"{}\" does not exist here ({})",
                                    need.interface, value.error().message);
      f.fix =
          "name the interface of the host's default route (ip route show default) in "
          "network.uplink, or leave it out to NAT out of any interface";
      return f;
    }
    const auto name = net::sysctl_name(key);
    values[name] = *value;
    if (*value == "1") {
      on.push_back(name + "=1" + note);
      continue;
    }
    off.push_back(name + "=" + *value + note);
    to_set.push_back(name + "=1");
    if (!host.writable(std::filesystem::path("/proc/sys") / key)) stuck = true;
  }
  f.details["values"] = values;
  if (off.empty()) {
    f.finding = fmt::format("on: {}", fmt::join(on, ", "));
    return f;
  }
  if (managed && !stuck) {
    f.finding = fmt::format(
        "off now ({}); the daemon turns it on at start "
        "(network.manage_forwarding)",
        fmt::join(off, ", "));
    return f;
  }
  f.severity = Severity::warning;
  f.finding = managed ? fmt::format(
                            "off ({}) and /proc/sys is not writable here: guests cannot "
                            "reach beyond the host",
                            fmt::join(off, ", "))
                      : fmt::format(
                            "off ({}) and network.manage_forwarding is false: guests "
                            "cannot reach beyond the host",
                            fmt::join(off, ", "));
  f.fix = fmt::format("sysctl -w {} (persist it in /etc/sysctl.d/ or NixOS boot.kernel.sysctl){}",
                      fmt::join(to_set, " "),
                      managed ? "" : ", or set network.manage_forwarding to true");
  return f;
}

Finding check_br_netfilter(const DoctorInput& input, const HostProbes& host,
                           const net::Sysctls& sysctls) {
  Finding f{"br_netfilter", Severity::ok, "", "", {}};
  const std::string bridge = input.config ? input.config->network.bridge : "microbr";
  const bool loaded = host.exists("/sys/module/br_netfilter");
  f.details["loaded"] = loaded;
  if (!loaded) {
    f.finding = fmt::format(
        "not loaded: frames between guests on {} are filtered in the bridge table (bridge "
        "openclawd) only, as designed",
        bridge);
    return f;
  }
  auto calls = sysctls.read("net/bridge/bridge-nf-call-iptables");
  const std::string value = calls ? *calls : "1";
  f.details["bridge-nf-call-iptables"] = value;
  f.severity = Severity::info;
  if (value == "0") {
    f.finding =
        "loaded, with net.bridge.bridge-nf-call-iptables=0: bridged frames skip the inet "
        "hooks";
    return f;
  }
  f.finding = fmt::format(
      "loaded (net.bridge.bridge-nf-call-iptables={}): frames bridged between guests on {} also "
      "cross the inet prerouting/forward/postrouting hooks, with {} as both input and output "
      "interface. openclawd's inet forward chain accepts them (its bridge table already filtered "
      "them), but other programs' forward rules (an iptables FORWARD policy of DROP, Docker) now "
      "see guest-to-guest traffic and may drop the allowed flows",
      value, bridge, bridge);
  f.fix =
      "only if an allowed guest-to-guest flow fails: sysctl -w "
      "net.bridge.bridge-nf-call-iptables=0, or modprobe -r br_netfilter when nothing needs it";
  return f;
}

Finding check_nftables(const HostProbes& host) {
  Finding f{"nftables", Severity::ok, "", "", {}};
  if (auto s = host.nftables(); !s) {
    f.severity = Severity::error;
    f.finding = fmt::format("nftables does not answer over netlink: {}", s.error().message);
    f.fix = "run as root (CAP_NET_ADMIN) on a kernel with nf_tables (modprobe nf_tables)";
    return f;
  }
  f.finding = "nftables answers over netlink";
  return f;
}

}  // namespace openclawd::doctor
