#pragma once
// Every decision of the gate becomes one structured line in syslog (identifier
// `gogcli-gate`), followed by gog's exit status when it ran. Arguments are never
// logged (they carry mail subjects and bodies); a SHA-256 of them is, so the
// admin can match a line to a command they suspect.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/gate/decision.hpp"

namespace openclawd::gate {

// Hex SHA-256 over the arguments, each followed by a NUL byte.
std::string hash_arguments(const std::vector<std::string>& args);

// `decision=allow subcommand=gmail verb="messages search" class=read argc=3
//  args_sha256=… client=192.168.83.2:40512 reason="…"`; a refused flag adds
// `flag=--acct` (its spelling only: values are never logged).
std::string format_decision(const Decision& decision, std::string_view client);

// `exit subcommand=gmail verb=search status=0` (status -N: killed by signal N).
std::string format_exit(const Decision& decision, int status);

class DecisionLog {
 public:
  virtual ~DecisionLog() = default;
  virtual void decision(const Decision& decision, std::string_view client) = 0;
  virtual void exited(const Decision& decision, int status) = 0;
  virtual void error(std::string_view message) = 0;
};

// Writes to syslog(3) as `gogcli-gate` (journald picks it up from /dev/log).
std::unique_ptr<DecisionLog> make_syslog_decision_log();

}  // namespace openclawd::gate
