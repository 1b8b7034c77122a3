#include "sections.hpp"

namespace openclawd::config {

void parse_vm(ObjectReader& reader, const ParseContext& context, VmConfig& vm) {
  reader.string("name", vm.name, Need::required);
  reader.integer("vcpu", vm.vcpu, 1, 256, Need::required);
  reader.integer("memory_mib", vm.memory_mib, 64, 1024 * 1024, Need::required);
  reader.path("kernel", vm.kernel, context.base_dir, Need::required);
  reader.path("initrd", vm.initrd, context.base_dir);
  reader.string("cmdline", vm.cmdline, Need::optional, true);
  reader.object_array("disks", [&](ObjectReader& disk) {
    DiskConfig d;
    disk.path("path", d.path, context.base_dir, Need::required);
    disk.integer("size_mib", d.size_mib, 1, 16 * 1024 * 1024, Need::required);
    disk.choice<std::string>("format", d.format, {{"ext4", "ext4"}, {"raw", "raw"}});
    vm.disks.push_back(std::move(d));
  });
  reader.object(
      "network",
      [&](ObjectReader& net) {
        net.string("tap", vm.network.tap, Need::required);
        net.parsed("mac", vm.network.mac, MacAddress::parse,
                   "a MAC address such as \"02:00:00:00:00:01\"", Need::required);
        net.parsed("ip", vm.network.ip, Ipv4Address::parse,
                   "an IPv4 address such as \"192.168.83.2\"", Need::required);
      },
      Need::required);
  reader.object_array("shares", [&](ObjectReader& share) {
    ShareConfig s;
    share.string("tag", s.tag, Need::required);
    share.string("source", s.source, Need::required);
    if (!s.source.empty() && s.source != "secrets") {
      share.path("source", s.resolved_source, context.base_dir);
    }
    share.boolean("readonly", s.readonly);
    vm.shares.push_back(std::move(s));
  });
  reader.object("secrets", [&](ObjectReader& r) { parse_vm_secrets(r, vm.secrets); });
  reader.integer("vsock_cid", 3, 0xfffffffe,
                 [&](std::int64_t cid) { vm.vsock_cid = static_cast<std::uint32_t>(cid); });
  reader.path("serial_log", vm.serial_log, context.base_dir);
  reader.boolean("autostart", vm.autostart);
  reader.object("restart", [&](ObjectReader& restart) {
    restart.choice("policy", vm.restart.policy,
                   {{"always", RestartPolicy::always},
                    {"on-failure", RestartPolicy::on_failure},
                    {"never", RestartPolicy::never}});
    restart.integer("max_restarts", vm.restart.max_restarts, 0, 1000);
    restart.integer("window_s", vm.restart.window_s, 1, 86400);
    restart.integer("backoff_initial_ms", vm.restart.backoff_initial_ms, 0, 3600000);
    restart.integer("backoff_max_ms", vm.restart.backoff_max_ms, 0, 3600000);
  });
  reader.string_list("depends_on", vm.depends_on);
  reader.integer("shutdown_timeout_s", vm.shutdown_timeout_s, 1, 3600);
}

}  // namespace openclawd::config
