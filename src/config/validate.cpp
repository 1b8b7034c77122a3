#include <fmt/format.h>

#include <map>
#include <set>
#include <system_error>

#include "sections.hpp"

namespace openclawd::config {
namespace {

std::string vm_pointer(std::size_t index, std::string_view rest) {
  return fmt::format("/vms/{}{}", index, rest);
}

bool valid_vm_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return name.front() != '-';
}

// Linux interface names: 1..15 bytes, no '/', whitespace or ':'.
bool valid_interface_name(const std::string& name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (char c : name) {
    if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

// Reports the second and later occurrences of the same key.
template <typename Key>
class DuplicateFinder {
 public:
  DuplicateFinder(Diagnostics& diagnostics, std::string what)
      : diagnostics_(diagnostics), what_(std::move(what)) {}
  void check(const Key& key, const std::string& shown, const std::string& pointer) {
    auto [it, inserted] = seen_.emplace(key, pointer);
    if (!inserted) {
      diagnostics_.add(pointer, fmt::format("duplicate {} \"{}\" (already used at {})", what_,
                                            shown, it->second));
    }
  }

 private:
  Diagnostics& diagnostics_;
  std::string what_;
  std::map<Key, std::string> seen_;
};

void validate_dependencies(const Config& config, Diagnostics& diagnostics) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < config.vms.size(); ++i) index.emplace(config.vms[i].name, i);
  for (std::size_t i = 0; i < config.vms.size(); ++i) {
    const auto& vm = config.vms[i];
    for (std::size_t d = 0; d < vm.depends_on.size(); ++d) {
      const auto& dep = vm.depends_on[d];
      const auto pointer = vm_pointer(i, fmt::format("/depends_on/{}", d));
      if (dep == vm.name) {
        diagnostics.add(pointer, fmt::format("VM \"{}\" cannot depend on itself", vm.name));
      } else if (index.count(dep) == 0) {
        diagnostics.add(pointer, fmt::format("unknown VM \"{}\" (not in /vms)", dep));
      }
    }
  }
  // Depth-first search for a cycle; report it once, as a path.
  enum class Mark { none, visiting, done };
  std::vector<Mark> marks(config.vms.size(), Mark::none);
  std::vector<std::size_t> stack;
  bool reported = false;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    if (reported || marks[i] == Mark::done) return;
    if (marks[i] == Mark::visiting) {
      std::string path;
      auto start = std::find(stack.begin(), stack.end(), i);
      for (auto it = start; it != stack.end(); ++it) path += config.vms[*it].name + " -> ";
      path += config.vms[i].name;
      diagnostics.add(vm_pointer(i, "/depends_on"), "dependency cycle: " + path);
      reported = true;
      return;
    }
    marks[i] = Mark::visiting;
    stack.push_back(i);
    for (const auto& dep : config.vms[i].depends_on) {
      auto it = index.find(dep);
      if (it != index.end() && it->second != i) visit(it->second);
    }
    stack.pop_back();
    marks[i] = Mark::done;
  };
  for (std::size_t i = 0; i < config.vms.size(); ++i) visit(i);
}

}  // namespace

void check_regular_file(const std::filesystem::path& path, const std::string& pointer,
                        std::string_view what, Diagnostics& diagnostics) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    diagnostics.add(pointer,
                    fmt::format("{} \"{}\" does not exist; fix the path or create the file", what,
                                path.string()));
  } else if (!std::filesystem::is_regular_file(status)) {
    diagnostics.add(pointer, fmt::format("{} \"{}\" is not a regular file", what, path.string()));
  }
}

void validate(const Config& config, Diagnostics& diagnostics) {
  const auto& bridge = config.network.address;
  if (!valid_interface_name(config.network.bridge)) {
    diagnostics.add("/network/bridge", fmt::format("\"{}\" is not a valid interface name (1-15 "
                                                   "characters, no '/', ':' or spaces)",
                                                   config.network.bridge));
  }
  if (!config.network.uplink.empty() && !valid_interface_name(config.network.uplink)) {
    diagnostics.add("/network/uplink", fmt::format("\"{}\" is not a valid interface name (1-15 "
                                                   "characters, no '/', ':' or spaces); leave it "
                                                   "out to NAT out of any interface",
                                                   config.network.uplink));
  }
  if (bridge.prefix_length < 8 || bridge.prefix_length > 30) {
    diagnostics.add("/network/address", "the bridge prefix must be between /8 and /30");
  } else if (bridge.address == bridge.network() || bridge.address == bridge.broadcast()) {
    diagnostics.add("/network/address",
                    fmt::format("{} is the network or broadcast address of its subnet; use a host "
                                "address such as {}",
                                bridge.address.to_string(),
                                Ipv4Address{bridge.network().value + 1}.to_string()));
  }

  DuplicateFinder<std::string> names(diagnostics, "VM name");
  DuplicateFinder<std::string> taps(diagnostics, "tap");
  DuplicateFinder<std::string> macs(diagnostics, "MAC address");
  DuplicateFinder<std::uint32_t> ips(diagnostics, "IP address");
  DuplicateFinder<std::uint32_t> cids(diagnostics, "vsock CID");
  DuplicateFinder<std::string> disks(diagnostics, "disk image");
  for (std::size_t i = 0; i < config.vms.size(); ++i) {
    const auto& vm = config.vms[i];
    if (!valid_vm_name(vm.name)) {
      diagnostics.add(vm_pointer(i, "/name"),
                      fmt::format("\"{}\" is not a valid VM name (1-32 characters: a-z, 0-9, "
                                  "'-', '_'; not starting with '-')",
                                  vm.name));
    }
    names.check(vm.name, vm.name, vm_pointer(i, "/name"));
    if (!valid_interface_name(vm.network.tap)) {
      diagnostics.add(
          vm_pointer(i, "/network/tap"),
          fmt::format("\"{}\" is not a valid interface name (1-15 characters)", vm.network.tap));
    } else if (vm.network.tap == config.network.bridge) {
      diagnostics.add(vm_pointer(i, "/network/tap"), "the tap cannot have the bridge's name");
    }
    taps.check(vm.network.tap, vm.network.tap, vm_pointer(i, "/network/tap"));
    const auto mac = vm.network.mac.to_string();
    if (vm.network.mac.bytes[0] & 0x01) {
      diagnostics.add(vm_pointer(i, "/network/mac"),
                      fmt::format("{} is a multicast address; use a unicast, locally administered "
                                  "one such as 02:00:00:00:00:0{}",
                                  mac, (i + 1) % 10));
    }
    macs.check(mac, mac, vm_pointer(i, "/network/mac"));
    const auto ip = vm.network.ip;
    if (!bridge.contains(ip)) {
      diagnostics.add(
          vm_pointer(i, "/network/ip"),
          fmt::format("{} is outside the bridge subnet {} (/network/address)", ip.to_string(),
                      Ipv4Interface{bridge.network(), bridge.prefix_length}.to_string()));
    } else if (ip == bridge.address || ip == bridge.network() || ip == bridge.broadcast()) {
      diagnostics.add(
          vm_pointer(i, "/network/ip"),
          fmt::format("{} is the bridge's own, network or broadcast address", ip.to_string()));
    }
    ips.check(ip.value, ip.to_string(), vm_pointer(i, "/network/ip"));
    if (vm.vsock_cid) {
      cids.check(*vm.vsock_cid, std::to_string(*vm.vsock_cid), vm_pointer(i, "/vsock_cid"));
    }
    check_regular_file(vm.kernel, vm_pointer(i, "/kernel"), "kernel", diagnostics);
    if (!vm.initrd.empty()) {
      check_regular_file(vm.initrd, vm_pointer(i, "/initrd"), "initrd", diagnostics);
    }
    for (std::size_t d = 0; d < vm.disks.size(); ++d) {
      disks.check(vm.disks[d].path.string(), vm.disks[d].path.string(),
                  vm_pointer(i, fmt::format("/disks/{}/path", d)));
    }
    std::set<std::string> tags;
    for (std::size_t s = 0; s < vm.shares.size(); ++s) {
      if (!tags.insert(vm.shares[s].tag).second) {
        diagnostics.add(
            vm_pointer(i, fmt::format("/shares/{}/tag", s)),
            fmt::format("duplicate share tag \"{}\" in VM \"{}\"", vm.shares[s].tag, vm.name));
      }
    }
    if (vm.restart.backoff_max_ms < vm.restart.backoff_initial_ms) {
      diagnostics.add(vm_pointer(i, "/restart/backoff_max_ms"),
                      "must not be smaller than backoff_initial_ms");
    }
  }
  validate_dependencies(config, diagnostics);
  validate_secrets(config, diagnostics);
  validate_inference(config, diagnostics);

  for (std::size_t f = 0; f < config.network.flows.size(); ++f) {
    const auto& flow = config.network.flows[f];
    for (const auto* end : {&flow.from, &flow.to}) {
      if (!end->empty() && config.find_vm(*end) == nullptr) {
        diagnostics.add(fmt::format("/network/flows/{}/{}", f, end == &flow.from ? "from" : "to"),
                        fmt::format("unknown VM \"{}\" (not in /vms)", *end));
      }
    }
    if (!flow.from.empty() && flow.from == flow.to) {
      diagnostics.add(fmt::format("/network/flows/{}", f), "a flow needs two different VMs");
    }
  }
  if (config.dns.enabled && config.dns.listen.empty()) {
    diagnostics.add("/dns/listen",
                    "the DNS frontend is enabled but has no listen address; add "
                    "\"" +
                        bridge.address.to_string() +
                        ":53\" or set "
                        "/dns/enabled to false");
  }
  if (config.dns.enabled && config.dns.forwarders.empty()) {
    diagnostics.add("/dns/forwarders", "at least one forwarder is needed");
  }
  if (!config.dns.policy.empty()) {
    check_regular_file(config.dns.policy, "/dns/policy", "DNS policy", diagnostics);
  }
  if (!config.dns.trust_anchor.empty()) {
    check_regular_file(config.dns.trust_anchor, "/dns/trust_anchor", "trust anchor", diagnostics);
  }
  if (config.defender.enabled && !config.defender.rules.empty()) {
    check_regular_file(config.defender.rules, "/defender/rules", "defender rules", diagnostics);
  }
  if (config.defender.enabled && config.defender.judge.enabled &&
      !config.defender.judge.api_key_file.empty()) {
    check_regular_file(config.defender.judge.api_key_file, "/defender/judge/api_key_file",
                       "judge API key file", diagnostics);
  }
  if (config.control.socket.filename().empty()) {
    diagnostics.add("/control_socket", "expected a socket file path, not a directory");
  }
}

void apply_derived_defaults(Config& config) {
  auto default_log = [&](std::filesystem::path& path, const char* name) {
    if (path.empty()) path = config.log_dir / name;
  };
  default_log(config.network.egress.log_file, "egress.jsonl");
  default_log(config.dns.log_file, "dns.jsonl");
  default_log(config.audit.log_file, "audit.jsonl");
  default_log(config.defender.log_file, "defender.jsonl");
  default_log(config.inference.log_file, "inference.jsonl");
  for (auto& vm : config.vms) {
    if (vm.serial_log.empty()) vm.serial_log = config.log_dir / (vm.name + "-serial.log");
  }
}

}  // namespace openclawd::config
