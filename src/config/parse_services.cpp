#include "sections.hpp"

namespace openclawd::config {
namespace {

// "1.1.1.1" or "127.0.0.1@5353" (libunbound's address@port form).
bool is_forwarder(const std::string& text) {
  auto at = text.find('@');
  if (!Ipv4Address::parse(text.substr(0, at))) return false;
  if (at == std::string::npos) return true;
  auto port = Endpoint::parse("0.0.0.0:" + text.substr(at + 1));
  return port && port->port != 0;
}

}  // namespace

void parse_dns(ObjectReader& reader, const ParseContext& context, DnsConfig& out) {
  reader.boolean("enabled", out.enabled);
  reader.array("listen", [&](const nlohmann::json& item, const std::string& pointer) {
    auto endpoint = item.is_string() ? Endpoint::parse(item.get<std::string>()) : std::nullopt;
    if (!endpoint) {
      reader.diagnostics().add(
          pointer, "expected \"address:port\" such as \"192.168.83.1:53\", got " + item.dump());
      return;
    }
    out.listen.push_back(*endpoint);
  });
  std::vector<std::string> forwarders = out.forwarders;
  reader.string_list("forwarders", forwarders);
  for (std::size_t i = 0; i < forwarders.size(); ++i) {
    if (!is_forwarder(forwarders[i])) {
      reader.diagnostics().add(append_pointer(reader.pointer_of("forwarders"), i),
                               "expected an IPv4 address, optionally with @port (\"1.1.1.1\", "
                               "\"127.0.0.1@5353\"), got \"" +
                                   forwarders[i] + "\"");
    }
  }
  out.forwarders = forwarders;
  reader.path("policy", out.policy, context.base_dir);
  reader.path("trust_anchor", out.trust_anchor, context.base_dir);
  reader.choice("denied_answer", out.denied_answer,
                {{"nxdomain", DeniedDnsAnswer::nxdomain}, {"refused", DeniedDnsAnswer::refused}});
  reader.integer("rate_limit_qps", out.rate_limit_qps, 0, 1000000);
  reader.integer("cache_entries", out.cache_entries, 0, 10000000);
  reader.array("extra_clients", [&](const nlohmann::json& item, const std::string& pointer) {
    auto net = item.is_string() ? Ipv4Interface::parse(item.get<std::string>()) : std::nullopt;
    if (!net) {
      reader.diagnostics().add(pointer,
                               "expected a network such as \"127.0.0.0/8\", got " + item.dump());
      return;
    }
    out.extra_clients.push_back(*net);
  });
  reader.path("log_file", out.log_file, context.base_dir);
}

void parse_audit(ObjectReader& reader, const ParseContext& context, AuditConfig& out) {
  reader.boolean("enabled", out.enabled);
  reader.path("log_file", out.log_file, context.base_dir);
  reader.boolean("enable_kernel_audit", out.enable_kernel_audit);
}

void parse_defender(ObjectReader& reader, const ParseContext& context, DefenderConfig& out) {
  reader.boolean("enabled", out.enabled);
  Endpoint listen;
  bool has_listen = reader.take("listen") != nullptr;
  reader.parsed("listen", listen, Endpoint::parse,
                "\"address:port\" such as \"192.168.83.1:8787\"");
  if (has_listen) out.listen = listen;
  reader.path("rules", out.rules, context.base_dir);
  reader.path("log_file", out.log_file, context.base_dir);
  reader.object("judge", [&](ObjectReader& judge) { parse_judge(judge, context, out.judge); });
  reader.integer("max_input_bytes", out.max_input_bytes, 1, 64 * 1024 * 1024);
  reader.integer("time_budget_ms", out.time_budget_ms, 1, 600000);
  reader.boolean("log_inputs", out.log_inputs);
  reader.path("token_file", out.token_file, context.base_dir);
  reader.integer("max_body_bytes", out.max_body_bytes, 64, 512 * 1024 * 1024);
  reader.integer("max_concurrent_scans", out.max_concurrent_scans, 1, 1024);
  reader.integer("max_connections", out.max_connections, 1, 100000);
  reader.integer("request_timeout_ms", out.request_timeout_ms, 100, 600000);
  out.clients_set = reader.take("clients") != nullptr;
  reader.array("clients", [&](const nlohmann::json& item, const std::string& pointer) {
    auto net = item.is_string() ? Ipv4Interface::parse(item.get<std::string>()) : std::nullopt;
    if (!net) {
      reader.diagnostics().add(
          pointer, "expected a network such as \"192.168.83.0/24\", got " + item.dump());
      return;
    }
    out.clients.push_back(*net);
  });
  reader.object_array("classifiers", [&](ObjectReader& entry) {
    ClassifierConfig classifier;
    parse_classifier(entry, context, classifier);
    for (const auto& other : out.classifiers) {
      if (!classifier.name.empty() && other.name == classifier.name) {
        entry.error("name", "\"" + classifier.name + "\" is used by another classifier");
      }
    }
    out.classifiers.push_back(std::move(classifier));
  });
}

}  // namespace openclawd::config
