#pragma once
// The admin's contract: one JSON file (docs/config.md, config/openclawd.schema.json).
// load_config() validates everything before anything is touched: every error
// names the file, the JSON pointer and what was expected, and all errors are
// reported at once.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openclawd/config/inference.hpp"
#include "openclawd/config/network.hpp"
#include "openclawd/config/secrets.hpp"
#include "openclawd/config/services.hpp"
#include "openclawd/config/vm.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::config {

inline constexpr const char* kDefaultConfigPath = "/etc/openclawd/openclawd.json";

struct HypervisorConfig {
  std::string backend = "libvirt";
  std::string uri = "qemu:///system";
  std::string domain_type = "kvm";  // kvm | qemu (TCG) | ch
  std::string domain_prefix = "openclawd-";
  // virtiofsd binary; empty: /usr/lib/qemu/virtiofsd when present, else libvirt's own lookup.
  std::filesystem::path virtiofsd;
};

struct ControlConfig {
  std::filesystem::path socket = "/run/openclawd/control.sock";
  std::string group;  // members may run state-changing commands; empty: root only
  std::size_t max_request_bytes = 64 * 1024;
  int request_timeout_ms = 5000;
  int max_clients = 64;
};

struct Config {
  std::filesystem::path file;  // where it was loaded from (absolute)
  int version = 1;
  std::filesystem::path state_dir = "/var/lib/openclawd";
  std::filesystem::path log_dir = "/var/log/openclawd";
  std::string log_level = "info";
  int watchdog_interval_s = 0;  // 0: follow WATCHDOG_USEC from systemd
  ControlConfig control;
  HypervisorConfig hypervisor;
  NetworkConfig network;
  DnsConfig dns;
  AuditConfig audit;
  SecretsConfig secrets;
  DefenderConfig defender;
  InferenceConfig inference;
  std::vector<VmConfig> vms;

  const VmConfig* find_vm(std::string_view name) const;
  // VM names ordered so that every VM comes after the ones it depends on.
  std::vector<std::string> start_order() const;
};

// One problem in a config file.
struct Diagnostic {
  std::string pointer;  // JSON pointer, "" for the document
  std::string message;  // what is wrong and what is expected
};

// Reads, parses and validates `path`. On failure the error lists every problem
// as "<file>: <pointer>: <message>", one per line.
Result<Config> load_config(const std::filesystem::path& path);

// Parses the text of a config file (what load_config does after reading it).
Result<Config> parse_config_text(std::string_view text, const std::filesystem::path& file);

// Parses and validates an already-read document (`file` is used for messages and
// to resolve relative paths). Checks that touch the file system (kernel exists)
// run too.
Result<Config> parse_config(const nlohmann::json& document, const std::filesystem::path& file);

// The resolved config (defaults filled in, paths absolute), as JSON.
nlohmann::json to_json(const Config& config);

// The source networks that may call a service the host offers the guests
// (defender API, inference gateway): `clients` when the config sets them,
// else loopback and the bridge's subnet.
std::vector<Ipv4Interface> service_clients(const Config& config, bool clients_set,
                                           const std::vector<Ipv4Interface>& clients);

std::string_view to_string(RestartPolicy policy);
std::string_view to_string(EgressMode mode);

}  // namespace openclawd::config
