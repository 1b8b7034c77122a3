#pragma once
// One guest, as configured under /vms/N.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/config/net_types.hpp"
#include "openclawd/config/secrets.hpp"

namespace openclawd::config {

struct DiskConfig {
  std::filesystem::path path;  // resolved; created sparse + ext4 when missing
  std::uint64_t size_mib = 0;
  std::string format = "ext4";
};

struct VmNetworkConfig {
  std::string tap;
  MacAddress mac;
  Ipv4Address ip;
};

struct ShareConfig {
  std::string tag;
  // "secrets" means the VM's managed secrets directory; anything else is a host
  // path (resolved relative to the config file).
  std::string source;
  std::filesystem::path resolved_source;  // empty for "secrets"
  bool readonly = true;
};

enum class RestartPolicy { always, on_failure, never };

struct RestartConfig {
  RestartPolicy policy = RestartPolicy::always;
  int max_restarts = 5;  // crash-loop limit: this many restarts ...
  int window_s = 300;    // ... within this many seconds marks the VM failed
  int backoff_initial_ms = 1000;
  int backoff_max_ms = 60000;
};

struct VmConfig {
  std::string name;
  int vcpu = 1;
  int memory_mib = 512;
  std::filesystem::path kernel;
  std::filesystem::path initrd;  // empty: no initrd
  std::string cmdline;
  std::vector<DiskConfig> disks;
  VmNetworkConfig network;
  std::vector<ShareConfig> shares;
  std::optional<std::uint32_t> vsock_cid;
  std::filesystem::path serial_log;  // default <log_dir>/<name>-serial.log
  bool autostart = true;
  RestartConfig restart;
  std::vector<std::string> depends_on;
  int shutdown_timeout_s = 60;  // ACPI power button, then destroy
  VmSecretsConfig secrets;
};

}  // namespace openclawd::config
