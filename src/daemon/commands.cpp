#include "commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "openclawd/version.hpp"

namespace openclawd::daemon {
namespace {

using control::Peer;
using control::Reply;
using control::Request;
using control::Response;
using control::ResultCode;

// Reads {"vms": ["name", ...]} and checks every name against the config.
Result<std::vector<std::string>> requested_vms(const Request& request,
                                               const config::Config& config) {
  std::vector<std::string> names;
  auto it = request.arguments.find("vms");
  if (it == request.arguments.end() || it->is_null()) return names;
  if (!it->is_array()) return make_error("\"vms\" must be an array of VM names");
  std::vector<std::string> unknown;
  for (const auto& item : *it) {
    if (!item.is_string()) return make_error("\"vms\" must be an array of VM names");
    const auto name = item.get<std::string>();
    if (config.find_vm(name) == nullptr) {
      unknown.push_back(name);
    } else {
      names.push_back(name);
    }
  }
  if (!unknown.empty()) {
    std::string known;
    for (const auto& vm : config.vms) known += (known.empty() ? "" : ", ") + vm.name;
    return make_error(fmt::format("unknown VM{} {} (configured: {})", unknown.size() > 1 ? "s" : "",
                                  fmt::join(unknown, ", "), known.empty() ? "none" : known));
  }
  return names;
}

void register_guest_command(control::CommandRegistry& commands, DaemonState& state,
                            const std::string& verb, const std::string& description,
                            void (GuestSupervisor::*action)(const std::vector<std::string>&,
                                                            GuestSupervisor::Done)) {
  commands.add(verb,
               control::CommandInfo{
                   description, true,
                   [&state, verb, action](const Request& request, const Peer&, Reply reply) {
                     auto names = requested_vms(request, state.config);
                     if (!names) {
                       reply(Response::failure(ResultCode::error, names.error().message));
                       return;
                     }
                     if (state.stopping) {
                       reply(Response::failure(ResultCode::error, "the daemon is shutting down"));
                       return;
                     }
                     const bool all = names->empty();
                     if (state.supervisor == nullptr) {
                       if (all && state.config.vms.empty()) {
                         reply(Response::ok("no VMs are configured; nothing to " + verb));
                       } else {
                         reply(Response::failure(
                             ResultCode::error,
                             "this daemon has no guest supervisor (hypervisor backend not "
                             "available in this build); cannot " +
                                 verb + " VMs"));
                       }
                       return;
                     }
                     const auto what =
                         all ? std::string("all VMs") : fmt::format("{}", fmt::join(*names, ", "));
                     (state.supervisor->*action)(*names, [reply, verb, what](Status status) {
                       if (status) {
                         reply(Response::ok(fmt::format("{}: done for {}", verb, what)));
                       } else {
                         reply(Response::failure(ResultCode::error, status.error().message));
                       }
                     });
                   }});
}

}  // namespace

nlohmann::json build_status(const DaemonState& state) {
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::steady_clock::now() - state.started_at)
                          .count();
  nlohmann::json vms;
  if (state.supervisor != nullptr) {
    vms = state.supervisor->vm_status();
  } else {
    vms = nlohmann::json::array();
    for (const auto& vm : state.config.vms) {
      vms.push_back({{"name", vm.name},
                     {"state", "unmanaged"},
                     {"autostart", vm.autostart},
                     {"uptime_s", nullptr},
                     {"restarts", 0},
                     {"last_exit", nullptr},
                     {"pid", nullptr}});
    }
  }
  nlohmann::json services = nlohmann::json::object();
  for (const auto& service : state.services) {
    auto s = service->status();
    if (!s.is_null()) services[std::string(service->name())] = std::move(s);
  }
  return {{"daemon",
           {{"version", kVersion},
            {"pid", ::getpid()},
            {"uptime_s", uptime},
            {"config", state.config.file.string()},
            {"control_socket", state.config.control.socket.string()},
            {"state", state.stopping ? "stopping" : "running"}}},
          {"vms", vms},
          {"services", services}};
}

void register_daemon_commands(control::CommandRegistry& commands, DaemonState& state) {
  commands.add_sync("version", "The daemon's version", false, [](const Request&, const Peer&) {
    return Response::ok(std::string("openclawd ") + kVersion, {{"version", kVersion}});
  });
  commands.add_sync(
      "status", "State of the daemon, each VM and each service", false,
      [&state](const Request&, const Peer&) { return Response::ok("ok", build_status(state)); });
  register_guest_command(commands, state, "start",
                         "Start VMs (all when none named) in dependency order",
                         &GuestSupervisor::start);
  register_guest_command(commands, state, "stop",
                         "Stop VMs gracefully (all when none named), dependents first",
                         &GuestSupervisor::stop);
  register_guest_command(commands, state, "restart", "Stop, then start VMs",
                         &GuestSupervisor::restart);
}

}  // namespace openclawd::daemon
