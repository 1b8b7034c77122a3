#include "sections.hpp"

namespace openclawd::config {

void parse_top_level(ObjectReader& root, const ParseContext& context, Config& config) {
  root.integer("version", config.version, 1, 1, Need::required);
  root.path("state_dir", config.state_dir, context.base_dir);
  root.path("log_dir", config.log_dir, context.base_dir);
  root.choice<std::string>("log_level", config.log_level,
                           {{"trace", "trace"},
                            {"debug", "debug"},
                            {"info", "info"},
                            {"warn", "warn"},
                            {"error", "error"}});
  root.integer("watchdog_interval_s", config.watchdog_interval_s, 0, 3600);
  root.path("control_socket", config.control.socket, context.base_dir);
  root.object("control", [&](ObjectReader& control) {
    control.string("group", config.control.group, Need::optional, true);
    control.integer("max_request_bytes", config.control.max_request_bytes, 256, 16 * 1024 * 1024);
    control.integer("request_timeout_ms", config.control.request_timeout_ms, 100, 600000);
    control.integer("max_clients", config.control.max_clients, 1, 4096);
  });
  root.object("hypervisor",
              [&](ObjectReader& r) { parse_hypervisor(r, context, config.hypervisor); });
  root.object(
      "network", [&](ObjectReader& r) { parse_network(r, context, config.network); },
      Need::required);
  root.object("dns", [&](ObjectReader& r) { parse_dns(r, context, config.dns); });
  root.object("audit", [&](ObjectReader& r) { parse_audit(r, context, config.audit); });
  root.object("secrets", [&](ObjectReader& r) { parse_secrets(r, context, config.secrets); });
  root.object("defender", [&](ObjectReader& r) { parse_defender(r, context, config.defender); });
  root.object("inference", [&](ObjectReader& r) { parse_inference(r, context, config.inference); });
  root.object_array(
      "vms",
      [&](ObjectReader& r) {
        VmConfig vm;
        parse_vm(r, context, vm);
        config.vms.push_back(std::move(vm));
      },
      Need::required);
}

void parse_hypervisor(ObjectReader& reader, const ParseContext& context, HypervisorConfig& out) {
  reader.choice<std::string>("backend", out.backend, {{"libvirt", "libvirt"}});
  reader.string("uri", out.uri);
  reader.choice<std::string>("domain_type", out.domain_type,
                             {{"kvm", "kvm"}, {"qemu", "qemu"}, {"ch", "ch"}});
  reader.string("domain_prefix", out.domain_prefix, Need::optional, true);
  reader.path("virtiofsd", out.virtiofsd, context.base_dir);
}

}  // namespace openclawd::config
