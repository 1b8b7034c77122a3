#include "sections.hpp"

namespace openclawd::config {

void parse_network(ObjectReader& reader, const ParseContext& context, NetworkConfig& out) {
  reader.string("bridge", out.bridge);
  reader.parsed("address", out.address, Ipv4Interface::parse,
                "an IPv4 interface address with prefix such as \"192.168.83.1/24\"",
                Need::required);
  reader.string("uplink", out.uplink, Need::optional, true);
  reader.boolean("nat", out.nat);
  reader.boolean("manage_forwarding", out.manage_forwarding);
  reader.string("tap_owner", out.tap_owner);
  reader.object("egress", [&](ObjectReader& egress) {
    egress.choice("mode", out.egress.mode,
                  {{"log", EgressMode::log}, {"allowlist", EgressMode::allowlist}});
    egress.path("log_file", out.egress.log_file, context.base_dir);
    egress.integer("drop_log_rate_per_s", out.egress.drop_log_rate_per_s, 0, 100000);
    egress.integer("allowlist_grace_s", out.egress.allowlist_grace_s, 0, 86400);
    egress.integer("log_group", out.egress.log_group, 1, 65535);
  });
  reader.object_array("flows", [&](ObjectReader& flow) {
    FlowConfig f;
    flow.string("from", f.from, Need::required);
    flow.string("to", f.to, Need::required);
    flow.choice<std::string>("proto", f.proto, {{"tcp", "tcp"}, {"udp", "udp"}}, Need::required);
    flow.integer("port", f.port, 1, 65535, Need::required);
    out.flows.push_back(std::move(f));
  });
}

}  // namespace openclawd::config
