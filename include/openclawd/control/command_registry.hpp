#pragma once
// Commands are registered by name with a handler. `list-commands` is built in.
// A handler answers through `reply`, at once or later (a VM boot takes seconds):
// the connection stays open until it does.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "openclawd/control/protocol.hpp"

namespace openclawd::control {

// Who is asking, from SO_PEERCRED.
struct Peer {
  int pid = -1;
  unsigned uid = 0;
  unsigned gid = 0;
  bool may_change_state = false;  // root or member of the configured group
};

using Reply = std::function<void(Response)>;
using Handler = std::function<void(const Request&, const Peer&, Reply)>;

struct CommandInfo {
  std::string description;
  bool changes_state = false;  // only root or the control group may run it
  Handler handler;
};

class CommandRegistry {
 public:
  CommandRegistry();

  // Registers (or replaces) `name`.
  void add(std::string name, CommandInfo info);
  // Convenience for handlers that answer immediately.
  void add_sync(std::string name, std::string description, bool changes_state,
                std::function<Response(const Request&, const Peer&)> handler);

  // Runs a request: unknown command, authorization and handler exceptions are
  // turned into error responses; `reply` is called exactly once.
  void dispatch(const Request& request, const Peer& peer, Reply reply) const;

  std::vector<std::string> names() const;
  const CommandInfo* find(const std::string& name) const;

 private:
  std::map<std::string, CommandInfo> commands_;
};

}  // namespace openclawd::control
