// Control commands on the admin's egress decisions: egress-pending (read),
// egress-allow and egress-deny (need the control socket's write permission).
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "openclawd/dns/service.hpp"

namespace openclawd::dns {
namespace {

using control::Peer;
using control::Request;
using control::Response;
using control::ResultCode;
using nlohmann::json;

// The longest `--for`: a year (longer is "until changed": omit --for).
constexpr std::int64_t kMaxDurationSeconds = 366LL * 24 * 3600;

std::string iso_time(WallClock::time_point at) {
  const std::time_t seconds = WallClock::to_time_t(at);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", utc);
}

json pending_json(const PendingName& entry) {
  return {{"vm", entry.vm},
          {"name", entry.name},
          {"first_seen", iso_time(entry.first_seen)},
          {"last_seen", iso_time(entry.last_seen)},
          {"count", entry.count}};
}

json decision_json(const EgressDecision& decision, WallClock::time_point now) {
  json out = {{"vm", decision.vm},
              {"name", decision.name},
              {"decision", to_string(decision.verdict)},
              {"decided_at", iso_time(decision.decided_at)},
              {"expires_at", nullptr},
              {"expires_in_s", nullptr}};
  if (decision.expires_at) {
    out["expires_at"] = iso_time(*decision.expires_at);
    out["expires_in_s"] =
        std::chrono::duration_cast<std::chrono::seconds>(*decision.expires_at - now).count();
  }
  return out;
}

struct Target {
  std::string vm;
  std::string name;
};

std::string known_vms(const ResolverSettings& settings) {
  std::string out;
  for (const auto& guest : settings.guests) out += (out.empty() ? "" : ", ") + guest.vm;
  return out.empty() ? "none" : out;
}

Result<Target> read_target(const Request& request, const ResolverSettings& settings) {
  const auto& args = request.arguments;
  const auto usage = fmt::format("{} needs {{\"vm\": VM, \"name\": NAME}}", request.command);
  if (!args.is_object() || !args.contains("vm") || !args["vm"].is_string() ||
      !args.contains("name") || !args["name"].is_string()) {
    return make_error(usage);
  }
  Target target{args["vm"].get<std::string>(), {}};
  if (std::none_of(settings.guests.begin(), settings.guests.end(),
                   [&](const GuestAddress& guest) { return guest.vm == target.vm; })) {
    return make_error(
        fmt::format("unknown VM '{}' (configured: {})", target.vm, known_vms(settings)));
  }
  auto name = canonical_destination(args["name"].get<std::string>());
  if (!name) {
    return make_error(
        fmt::format("\"{}\": {}", args["name"].get<std::string>(), name.error().message));
  }
  target.name = std::move(*name);
  return target;
}

// A decision on a name the VM's policy does not leave to the admin changes
// nothing now: say so, so the admin is not surprised.
std::string policy_note(const DnsServer& server, const Target& target) {
  if (server.processor() == nullptr) return "";
  const auto decision = server.processor()->policy().decide(target.vm, target.name);
  if (decision.ask) return "";
  return fmt::format(
      " (note: {}'s DNS policy does not leave {} to the admin: it is {} by {}; the decision "
      "applies only to names the policy leaves to \"unlisted\": \"ask\")",
      target.vm, target.name, decision.allowed ? "allowed" : "denied",
      decision.rule.empty() ? "default" : decision.rule);
}

Response decide(DnsServer& server, const Request& request, EgressVerdict verdict) {
  auto target = read_target(request, server.settings());
  if (!target) return Response::failure(ResultCode::bad_request, target.error().message);
  std::optional<std::chrono::seconds> duration;
  const auto& args = request.arguments;
  if (verdict == EgressVerdict::allow && args.contains("for_s") && !args["for_s"].is_null()) {
    const auto& value = args["for_s"];
    if (!value.is_number_integer() || value.get<std::int64_t>() <= 0 ||
        value.get<std::int64_t>() > kMaxDurationSeconds) {
      return Response::failure(ResultCode::bad_request,
                               "\"for_s\" must be a number of seconds from 1 to a year "
                               "(omit it to allow until the decision is changed)");
    }
    duration = std::chrono::seconds(value.get<std::int64_t>());
  }
  const auto now = WallClock::now();
  if (auto status = server.decisions().decide(target->vm, target->name, verdict, duration, now);
      !status) {
    return Response::failure(ResultCode::error, status.error().message);
  }
  spdlog::info("dns: egress decision: {} {} for VM {}{}", to_string(verdict), target->name,
               target->vm, duration ? fmt::format(" for {} s", duration->count()) : std::string());
  std::string text =
      verdict == EgressVerdict::allow
          ? fmt::format("allowed {} for {}{}; its next query resolves", target->name, target->vm,
                        duration ? " until " + iso_time(now + *duration) : std::string())
          : fmt::format("denied {} for {}; its queries are blocked", target->name, target->vm);
  json decision = nullptr;
  for (const auto& entry : server.decisions().decisions(now)) {
    if (entry.vm == target->vm && entry.name == target->name) decision = decision_json(entry, now);
  }
  return Response::ok(text + policy_note(server, *target), {{"decision", decision}});
}

}  // namespace

void register_egress_commands(control::CommandRegistry& commands, DnsServer& server) {
  commands.add_sync("egress-pending",
                    "Names the DNS policy leaves to the admin that are waiting for a decision, "
                    "and the decisions taken",
                    false, [&server](const Request&, const Peer&) {
                      const auto now = WallClock::now();
                      json pending = json::array();
                      for (const auto& entry : server.decisions().pending()) {
                        pending.push_back(pending_json(entry));
                      }
                      json decisions = json::array();
                      for (const auto& entry : server.decisions().decisions(now)) {
                        decisions.push_back(decision_json(entry, now));
                      }
                      return Response::ok(
                          fmt::format("{} pending, {} decided", pending.size(), decisions.size()),
                          {{"pending", std::move(pending)}, {"decisions", std::move(decisions)}});
                    });
  commands.add_sync(
      "egress-allow",
      "Allow a name for a VM: {\"vm\": VM, \"name\": NAME, \"for_s\": seconds (optional)}", true,
      [&server](const Request& request, const Peer&) {
        return decide(server, request, EgressVerdict::allow);
      });
  commands.add_sync("egress-deny", "Deny a name for a VM: {\"vm\": VM, \"name\": NAME}", true,
                    [&server](const Request& request, const Peer&) {
                      return decide(server, request, EgressVerdict::deny);
                    });
}

}  // namespace openclawd::dns
