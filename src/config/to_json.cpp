#include <algorithm>

#include "sections.hpp"

namespace openclawd::config {
namespace {

std::string path_or_empty(const std::filesystem::path& p) {
  return p.string();
}

// In the file's own shape, so a resolved config loads again as it is.
nlohmann::json vm_secrets_to_json(const VmSecretsConfig& secrets) {
  nlohmann::json tokens = nlohmann::json::array();
  for (const auto& t : secrets.tokens) {
    tokens.push_back({{"file", t.file}, {"bytes", t.bytes}, {"renew_on_boot", t.renew_on_boot}});
  }
  nlohmann::json copies = nlohmann::json::array();
  for (const auto& c : secrets.ssh_key_copies) {
    copies.push_back({{"file", c.file}, {"from_vm", c.from_vm}});
  }
  nlohmann::json admin_files = nlohmann::json::array();
  for (const auto& a : secrets.admin_files) {
    admin_files.push_back(
        {{"file", a.file}, {"admin_file", a.admin_file}, {"required", a.required}});
  }
  nlohmann::json out = {
      {"tokens", tokens}, {"ssh_key_copies", copies}, {"admin_files", admin_files}};
  if (secrets.ssh_key.present) {
    out["ssh_key"] = {{"authorized_keys_file", secrets.ssh_key.authorized_keys_file},
                      {"comment", secrets.ssh_key.comment},
                      {"gate_command", secrets.ssh_key.gate_command}};
  }
  if (secrets.env_file.present) {
    auto variables = [](const std::vector<EnvVariableConfig>& list, const char* source_key) {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& v : list)
        array.push_back({{"variable", v.variable}, {source_key, v.source}});
      return array;
    };
    out["env_file"] = {
        {"file", secrets.env_file.file},
        {"from_admin_files", variables(secrets.env_file.from_admin_files, "admin_file")},
        {"from_secrets", variables(secrets.env_file.from_secrets, "secret")},
        {"fixed", variables(secrets.env_file.fixed, "value")}};
  }
  return out;
}

nlohmann::json vm_to_json(const VmConfig& vm) {
  nlohmann::json disks = nlohmann::json::array();
  for (const auto& d : vm.disks) {
    disks.push_back({{"path", d.path.string()}, {"size_mib", d.size_mib}, {"format", d.format}});
  }
  nlohmann::json shares = nlohmann::json::array();
  for (const auto& s : vm.shares) {
    shares.push_back({{"tag", s.tag},
                      {"source", s.source == "secrets" ? s.source : s.resolved_source.string()},
                      {"readonly", s.readonly}});
  }
  nlohmann::json out = {
      {"name", vm.name},
      {"vcpu", vm.vcpu},
      {"memory_mib", vm.memory_mib},
      {"kernel", vm.kernel.string()},
      {"initrd", path_or_empty(vm.initrd)},
      {"cmdline", vm.cmdline},
      {"disks", disks},
      {"network",
       {{"tap", vm.network.tap},
        {"mac", vm.network.mac.to_string()},
        {"ip", vm.network.ip.to_string()}}},
      {"shares", shares},
      {"serial_log", vm.serial_log.string()},
      {"autostart", vm.autostart},
      {"restart",
       {{"policy", to_string(vm.restart.policy)},
        {"max_restarts", vm.restart.max_restarts},
        {"window_s", vm.restart.window_s},
        {"backoff_initial_ms", vm.restart.backoff_initial_ms},
        {"backoff_max_ms", vm.restart.backoff_max_ms}}},
      {"depends_on", vm.depends_on},
      {"shutdown_timeout_s", vm.shutdown_timeout_s},
      {"secrets", vm_secrets_to_json(vm.secrets)},
  };
  if (vm.vsock_cid) out["vsock_cid"] = *vm.vsock_cid;
  return out;
}

}  // namespace

nlohmann::json to_json(const Config& config) {
  nlohmann::json flows = nlohmann::json::array();
  for (const auto& f : config.network.flows) {
    flows.push_back({{"from", f.from}, {"to", f.to}, {"proto", f.proto}, {"port", f.port}});
  }
  nlohmann::json listen = nlohmann::json::array();
  for (const auto& e : config.dns.listen) listen.push_back(e.to_string());
  nlohmann::json extra_clients = nlohmann::json::array();
  for (const auto& n : config.dns.extra_clients) extra_clients.push_back(n.to_string());
  nlohmann::json vms = nlohmann::json::array();
  for (const auto& vm : config.vms) vms.push_back(vm_to_json(vm));

  nlohmann::json defender = {{"enabled", config.defender.enabled},
                             {"rules", config.defender.rules.string()},
                             {"log_file", config.defender.log_file.string()}};
  if (config.defender.listen) defender["listen"] = config.defender.listen->to_string();
  defender["judge"] = judge_to_json(config.defender.judge);
  defender["max_input_bytes"] = config.defender.max_input_bytes;
  defender["time_budget_ms"] = config.defender.time_budget_ms;
  defender["log_inputs"] = config.defender.log_inputs;
  if (!config.defender.token_file.empty()) {
    defender["token_file"] = config.defender.token_file.string();
  }
  defender["max_body_bytes"] = config.defender.max_body_bytes;
  defender["max_concurrent_scans"] = config.defender.max_concurrent_scans;
  defender["max_connections"] = config.defender.max_connections;
  defender["request_timeout_ms"] = config.defender.request_timeout_ms;
  if (config.defender.clients_set) {
    nlohmann::json clients = nlohmann::json::array();
    for (const auto& n : config.defender.clients) clients.push_back(n.to_string());
    defender["clients"] = std::move(clients);
  }
  defender["classifiers"] = classifiers_to_json(config.defender.classifiers);

  return {
      {"version", config.version},
      {"state_dir", config.state_dir.string()},
      {"log_dir", config.log_dir.string()},
      {"log_level", config.log_level},
      {"watchdog_interval_s", config.watchdog_interval_s},
      {"control_socket", config.control.socket.string()},
      {"control",
       {{"group", config.control.group},
        {"max_request_bytes", config.control.max_request_bytes},
        {"request_timeout_ms", config.control.request_timeout_ms},
        {"max_clients", config.control.max_clients}}},
      {"hypervisor",
       {{"backend", config.hypervisor.backend},
        {"uri", config.hypervisor.uri},
        {"domain_type", config.hypervisor.domain_type},
        {"domain_prefix", config.hypervisor.domain_prefix},
        {"virtiofsd", config.hypervisor.virtiofsd.string()}}},
      {"network",
       {{"bridge", config.network.bridge},
        {"address", config.network.address.to_string()},
        {"uplink", config.network.uplink},
        {"nat", config.network.nat},
        {"manage_forwarding", config.network.manage_forwarding},
        {"tap_owner", config.network.tap_owner},
        {"egress",
         {{"mode", to_string(config.network.egress.mode)},
          {"log_file", config.network.egress.log_file.string()},
          {"drop_log_rate_per_s", config.network.egress.drop_log_rate_per_s},
          {"allowlist_grace_s", config.network.egress.allowlist_grace_s},
          {"log_group", config.network.egress.log_group}}},
        {"flows", flows}}},
      {"dns",
       {{"enabled", config.dns.enabled},
        {"listen", listen},
        {"forwarders", config.dns.forwarders},
        {"policy", config.dns.policy.string()},
        {"trust_anchor", config.dns.trust_anchor.string()},
        {"denied_answer",
         config.dns.denied_answer == DeniedDnsAnswer::nxdomain ? "nxdomain" : "refused"},
        {"rate_limit_qps", config.dns.rate_limit_qps},
        {"cache_entries", config.dns.cache_entries},
        {"extra_clients", extra_clients},
        {"log_file", config.dns.log_file.string()}}},
      {"audit",
       {{"enabled", config.audit.enabled},
        {"log_file", config.audit.log_file.string()},
        {"enable_kernel_audit", config.audit.enable_kernel_audit}}},
      {"secrets",
       {{"admin_dir", config.secrets.admin_dir.string()},
        {"owner", config.secrets.owner},
        {"group", config.secrets.group},
        {"read_only_view", config.secrets.read_only_view}}},
      {"defender", defender},
      {"inference", inference_to_json(config.inference)},
      {"vms", vms},
  };
}

}  // namespace openclawd::config
