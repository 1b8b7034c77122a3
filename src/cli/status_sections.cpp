#include "status_sections.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "status_table.hpp"
#include "text_layout.hpp"

namespace openclawd::cli::status {
namespace {

using nlohmann::json;

// A member of `object`, or null when `object` is not an object or lacks it.
const json& member(const json& object, const char* key) {
  static const json null;
  if (!object.is_object()) return null;
  const auto found = object.find(key);
  return found == object.end() ? null : *found;
}

std::string text(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  return value.dump();
}

std::string text(const json& object, const char* key) {
  return text(member(object, key));
}

std::uint64_t count(const json& object, const char* key) {
  const auto& value = member(object, key);
  return value.is_number_unsigned() || value.is_number_integer() ? value.get<std::uint64_t>() : 0;
}

bool has(const json& object, const char* key) {
  return !member(object, key).is_null();
}

// "name value" for every member of a {name: number} object, biggest first.
std::vector<std::string> tallies(const json& object) {
  std::vector<std::pair<std::string, std::uint64_t>> entries;
  if (object.is_object()) {
    for (const auto& [name, value] : object.items()) {
      if (value.is_number()) entries.emplace_back(name, value.get<std::uint64_t>());
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (const auto& [name, value] : entries) out.push_back(fmt::format("{} {}", name, value));
  return out;
}

// The heading line of a section: its title and, wrapped after it, its facts.
std::string heading(std::string_view title, const std::vector<std::string>& facts,
                    std::size_t width) {
  if (facts.empty()) return fit(title, width) + "\n";
  std::string out;
  const std::string hang(std::min(title.size() + 2, width / 2), ' ');
  std::string current(title);
  bool first = true;
  for (const auto& fact : facts) {
    const std::string sep = first ? "  " : ", ";
    // One column kept for the comma that ends a wrapped line.
    if (!first && display_width(current) + sep.size() + display_width(fact) + 1 > width) {
      out += fit(current + ",", width) + "\n";
      current = hang + fact;
    } else {
      current += sep + fact;
    }
    first = false;
  }
  return out + fit(current, width) + "\n";
}

std::string milliseconds(const json& microseconds) {
  if (!microseconds.is_number()) return "-";
  return fmt::format("{:.1f} ms", microseconds.get<double>() / 1000.0);
}

// "latency p50 0.4 ms  p90 ...", from {"samples", "p50", "p90", "p99", "max"} in µs.
std::vector<std::string> latency_items(const json& latency) {
  if (count(latency, "samples") == 0) return {};
  return {fmt::format("p50 {}", milliseconds(member(latency, "p50"))),
          fmt::format("p90 {}", milliseconds(member(latency, "p90"))),
          fmt::format("p99 {}", milliseconds(member(latency, "p99"))),
          fmt::format("max {}", milliseconds(member(latency, "max"))),
          fmt::format("({} samples)", count(latency, "samples"))};
}

void flatten(const json& value, const std::string& key, std::vector<std::string>& out) {
  if (value.is_object()) {
    for (const auto& [name, item] : value.items()) {
      flatten(item, key.empty() ? name : key + "." + name, out);
    }
    return;
  }
  if (value.is_array()) {
    const bool scalars = std::all_of(value.begin(), value.end(), [](const json& item) {
      return !item.is_object() && !item.is_array();
    });
    if (!scalars) {
      out.push_back(fmt::format("{}={}", key, value.size()));
      return;
    }
    std::string joined;
    for (const auto& item : value) joined += (joined.empty() ? "" : ",") + text(item);
    out.push_back(fmt::format("{}=[{}]", key, joined));
    return;
  }
  out.push_back(fmt::format("{}={}", key, text(value)));
}

std::string joined(const json& list, const char* separator = ", ") {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& item : list) out += (out.empty() ? "" : separator) + text(item);
  return out;
}

}  // namespace

std::string daemon_section(const json& daemon, std::size_t width) {
  const auto& uptime = member(daemon, "uptime_s");
  std::string out = heading(
      fmt::format("openclawd {}", text(daemon, "version")),
      {text(daemon, "state"), fmt::format("pid {}", text(daemon, "pid")),
       fmt::format("up {}", uptime.is_number_integer() ? format_duration(uptime.get<std::int64_t>())
                                                       : std::string("-"))},
      width);
  std::vector<std::string> files;
  if (has(daemon, "config")) files.push_back("config " + text(daemon, "config"));
  if (has(daemon, "control_socket")) files.push_back("socket " + text(daemon, "control_socket"));
  if (!files.empty()) out += wrap_items("", files, width);
  return out;
}

std::string vms_section(const json& vms, std::size_t width) {
  if (!vms.is_array() || vms.empty()) return "VMs: none configured\n";
  std::vector<std::vector<std::string>> rows;
  std::string errors;
  for (const auto& vm : vms) {
    const auto& uptime = member(vm, "uptime_s");
    rows.push_back({text(vm, "name"), text(vm, "state"),
                    uptime.is_number_integer() ? format_duration(uptime.get<std::int64_t>()) : "-",
                    text(vm, "restarts"), text(vm, "last_exit"), text(vm, "pid")});
    // Why a VM is failed or did not start: the supervisor's last error.
    if (member(vm, "error").is_string()) {
      errors += wrap_text(fmt::format("{}: {}", text(vm, "name"), text(vm, "error")), width, 2);
    }
  }
  return "VMs\n" +
         render_table({{"NAME"},
                       {"STATE"},
                       {"UPTIME", true},
                       {"RESTARTS", true},
                       {"LAST EXIT", false, 2},
                       {"PID", true, 1}},
                      rows, width) +
         errors;
}

std::string network_section(const json& network, std::size_t width) {
  std::string out =
      heading("Network",
              {fmt::format("bridge {} {}", text(network, "bridge"), text(network, "address")),
               fmt::format("egress mode {}", text(network, "egress_mode"))},
              width);
  const auto& log = member(network, "egress_log");
  if (log.is_object()) {
    out += wrap_items("new connections",
                      {fmt::format("accepted {}", count(log, "accepted")),
                       fmt::format("dropped {}", count(log, "dropped")),
                       fmt::format("log lines {}", count(log, "lines")),
                       fmt::format("lost {}", count(log, "lost")),
                       fmt::format("malformed {}", count(log, "malformed"))},
                      width);
  }
  return out;
}

std::string dns_section(const json& dns, std::size_t width) {
  const auto listen = joined(member(dns, "listen"));
  std::string out =
      heading("DNS", {listen.empty() ? "not listening" : "listening on " + listen}, width);
  const auto& vms = member(dns, "vms");
  if (vms.is_object() && !vms.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [vm, c] : vms.items()) {
      rows.push_back({vm, std::to_string(count(c, "queries")), std::to_string(count(c, "answered")),
                      std::to_string(count(c, "blocked")), std::to_string(count(c, "refused")),
                      std::to_string(count(c, "errors")),
                      std::to_string(count(c, "rate_limited"))});
    }
    out += render_table({{"VM"},
                         {"QUERIES", true},
                         {"ANSWERED", true, 3},
                         {"BLOCKED", true},
                         {"REFUSED", true, 2},
                         {"ERRORS", true, 1},
                         {"RATE-LIMITED", true, 4}},
                        rows, width);
  } else {
    out += "  no queries yet\n";
  }
  std::vector<std::string> other;
  other.push_back(fmt::format("malformed {}", count(dns, "malformed")));
  const auto& cache = member(dns, "answer_cache");
  if (cache.is_object()) {
    other.push_back(fmt::format("answer cache {} entries, {} hits, {} misses",
                                count(cache, "entries"), count(cache, "hits"),
                                count(cache, "misses")));
  }
  out += wrap_items("", other, width);
  const auto& approvals = member(dns, "approvals");
  if (approvals.is_object()) {
    out += wrap_items("new destinations",
                      {fmt::format("{} pending", count(approvals, "pending")),
                       fmt::format("{} allowed", count(approvals, "allowed")),
                       fmt::format("{} denied", count(approvals, "denied"))},
                      width);
    if (count(approvals, "pending") > 0) {
      out += wrap_text("see `openclawd egress pending`", width, 4);
    }
  }
  return out;
}

std::string defender_section(const json& defender, std::size_t width) {
  std::vector<std::string> facts{fmt::format("{} rules", count(defender, "rules"))};
  const auto& http = member(defender, "http");
  if (has(http, "listen")) facts.push_back("API on " + text(http, "listen"));
  std::string out = heading("Defender", facts, width);
  out += wrap_items("scans",
                    {std::to_string(count(defender, "scans")),
                     fmt::format("in flight {}", count(defender, "in_flight")),
                     fmt::format("busy refusals {}", count(defender, "busy_refusals")),
                     fmt::format("rejected unscanned {}", count(defender, "rejected_unscanned"))},
                    width);
  if (auto actions = tallies(member(defender, "by_action")); !actions.empty()) {
    out += wrap_items("by action", actions, width);
  }
  if (auto sources = tallies(member(defender, "by_source")); !sources.empty()) {
    out += wrap_items("by source", sources, width);
  }
  if (auto latency = latency_items(member(defender, "latency_us")); !latency.empty()) {
    out += wrap_items("latency", latency, width);
  }
  const auto& judge = member(defender, "judge");
  if (judge.is_object()) {
    out += wrap_items("judge",
                      {fmt::format("api calls {}", count(judge, "api_calls")),
                       fmt::format("injections {}", count(judge, "injections")),
                       fmt::format("timeouts {}", count(judge, "timeouts")),
                       fmt::format("failures {}", count(judge, "api_failures")),
                       fmt::format("breaker {}", text(judge, "breaker_state"))},
                      width);
  } else if (judge.is_string()) {
    out += wrap_items("judge", {judge.get<std::string>()}, width);
  }
  return out;
}

std::string inference_section(const json& inference, std::size_t width) {
  std::vector<std::string> facts;
  if (has(inference, "listen")) facts.push_back("listening on " + text(inference, "listen"));
  std::vector<std::string> providers;
  for (const auto& provider : member(inference, "providers")) {
    providers.push_back(text(provider, "name"));
  }
  if (!providers.empty()) {
    facts.push_back(fmt::format("provider{} {}", providers.size() > 1 ? "s" : "",
                                fmt::format("{}", fmt::join(providers, " "))));
  }
  std::string out = heading("Inference gateway", facts, width);
  out += wrap_items("calls",
                    {std::to_string(count(inference, "calls")),
                     fmt::format("errors {}", count(inference, "errors")),
                     fmt::format("in flight {}", count(inference, "in_flight")),
                     fmt::format("busy refusals {}", count(inference, "busy_refusals"))},
                    width);
  out += wrap_items("blocked",
                    {fmt::format("tool calls {} of {}", count(inference, "tool_calls_blocked"),
                                 count(inference, "tool_calls_checked")),
                     fmt::format("messages removed {}", count(inference, "messages_removed")),
                     fmt::format("sanitized {}", count(inference, "messages_sanitized")),
                     fmt::format("scanned {}", count(inference, "messages_scanned")),
                     fmt::format("redactions {}", count(inference, "redactions"))},
                    width);
  if (auto vms = tallies(member(inference, "by_vm")); !vms.empty()) {
    out += wrap_items("by VM", vms, width);
  }
  if (auto statuses = tallies(member(inference, "by_status")); !statuses.empty()) {
    out += wrap_items("HTTP status", statuses, width);
  }
  const auto& tokens = member(inference, "tokens");
  if (tokens.is_object()) {
    out += wrap_items("tokens",
                      {fmt::format("prompt {}", count(tokens, "prompt")),
                       fmt::format("completion {}", count(tokens, "completion"))},
                      width);
  }
  if (auto latency = latency_items(member(inference, "latency_us")); !latency.empty()) {
    out += wrap_items("latency", latency, width);
  }
  return out;
}

std::string audit_section(const json& audit, std::size_t width) {
  std::vector<std::string> watched;
  for (const auto& watch : member(audit, "watches")) watched.push_back(text(watch, "vm"));
  std::vector<std::string> facts{
      watched.empty() ? std::string("no watches")
                      : fmt::format("watching the secrets of {}", fmt::join(watched, ", "))};
  if (member(audit, "enabled_kernel_audit").is_boolean() &&
      member(audit, "enabled_kernel_audit").get<bool>()) {
    facts.push_back("kernel audit enabled by openclawd");
  }
  std::string out = heading("Audit", facts, width);
  const auto accesses = count(audit, "accesses");
  const auto own = count(audit, "own_accesses");
  out += wrap_items("secret reads",
                    {std::to_string(accesses), fmt::format("by the daemon {}", own),
                     fmt::format("by others {}", accesses >= own ? accesses - own : 0),
                     fmt::format("records {}", count(audit, "records")),
                     fmt::format("malformed {}", count(audit, "malformed"))},
                    width);
  if (auto vms = tallies(member(audit, "accesses_by_vm")); !vms.empty()) {
    out += wrap_items("by VM", vms, width);
  }
  return out;
}

std::string secrets_section(const json& secrets, std::size_t width) {
  if (!secrets.is_object() || secrets.empty()) return "";
  std::vector<std::vector<std::string>> rows;
  for (const auto& [vm, entry] : secrets.items()) {
    std::vector<std::string> names;
    for (const auto& file : member(entry, "files")) names.push_back(text(file, "name"));
    const auto& mounted = member(entry, "view_mounted");
    rows.push_back(
        {vm, std::to_string(names.size()),
         mounted.is_boolean() ? (mounted.get<bool>() ? "read-only" : "NOT MOUNTED") : "-",
         fmt::format("{}", fmt::join(names, " "))});
  }
  return "Secrets\n" +
         render_table({{"VM"}, {"FILES", true}, {"VIEW"}, {"NAMES", false, 1}}, rows, width);
}

std::string generic_section(const std::string& name, const json& value, std::size_t width) {
  if (value.is_string()) return heading(name, {value.get<std::string>()}, width);
  std::vector<std::string> pairs;
  flatten(value, "", pairs);
  return fit(name, width) + "\n" + wrap_items("", pairs, width);
}

std::string events_section(const json& events, std::size_t width) {
  if (!events.is_array() || events.empty()) return "";
  std::string out = "Recent events\n";
  for (const auto& event : events) {
    std::string line = fmt::format("{}  {}", text(event, "ts"), text(event, "kind"));
    if (has(event, "vm")) line += "  " + text(event, "vm");
    if (has(event, "text")) line += "  " + text(event, "text");
    out += "  " + fit(line, width > 2 ? width - 2 : 0) + "\n";
  }
  return out;
}

}  // namespace openclawd::cli::status
