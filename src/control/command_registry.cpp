#include "openclawd/control/command_registry.hpp"

#include <exception>
#include <memory>

namespace openclawd::control {

CommandRegistry::CommandRegistry() {
  add_sync("list-commands", "List the commands this daemon understands", false,
           [this](const Request&, const Peer&) {
             nlohmann::json commands = nlohmann::json::array();
             for (const auto& [name, info] : commands_) {
               commands.push_back({{"name", name},
                                   {"description", info.description},
                                   {"changes_state", info.changes_state}});
             }
             return Response::ok(std::to_string(commands.size()) + " commands", commands);
           });
}

void CommandRegistry::add(std::string name, CommandInfo info) {
  commands_[std::move(name)] = std::move(info);
}

void CommandRegistry::add_sync(std::string name, std::string description, bool changes_state,
                               std::function<Response(const Request&, const Peer&)> handler) {
  add(std::move(name),
      CommandInfo{std::move(description), changes_state,
                  [handler = std::move(handler)](const Request& request, const Peer& peer,
                                                 Reply reply) { reply(handler(request, peer)); }});
}

void CommandRegistry::dispatch(const Request& request, const Peer& peer, Reply reply) const {
  const auto* info = find(request.command);
  if (info == nullptr) {
    reply(Response::failure(
        ResultCode::unsupported,
        "unknown command \"" + request.command + "\" (\"list-commands\" lists the known ones)"));
    return;
  }
  if (info->changes_state && !peer.may_change_state) {
    reply(Response::failure(ResultCode::denied,
                            "\"" + request.command +
                                "\" changes state: only root or the control group may run it "
                                "(peer uid " +
                                std::to_string(peer.uid) + ")"));
    return;
  }
  // A handler that throws must still answer exactly once.
  auto answered = std::make_shared<bool>(false);
  auto guarded = [answered, reply = std::move(reply)](Response response) {
    if (*answered) return;
    *answered = true;
    reply(std::move(response));
  };
  try {
    info->handler(request, peer, guarded);
  } catch (const std::exception& e) {
    guarded(
        Response::failure(ResultCode::error, "\"" + request.command + "\" failed: " + e.what()));
  }
}

std::vector<std::string> CommandRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, info] : commands_) out.push_back(name);
  return out;
}

const CommandInfo* CommandRegistry::find(const std::string& name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : &it->second;
}

}  // namespace openclawd::control
