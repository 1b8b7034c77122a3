// openclawd-gate: the authorized key's forced command in the gogcli guest.
//   command="/usr/local/bin/openclawd-gate --policy /run/secrets/gogcli-policy.json",...
// The policy path comes only from this command line, which the host writes;
// the SSH client controls nothing but SSH_ORIGINAL_COMMAND, which is parsed,
// never executed. Exit codes: gog's own status when it ran; 126 denied;
// 125 the gate itself failed (bad policy, gog missing).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "openclawd/gate/decision_log.hpp"
#include "openclawd/gate/gog_runner.hpp"
#include "openclawd/gate/policy.hpp"

namespace {

constexpr int kDenied = 126;
constexpr int kGateError = 125;
constexpr const char* kDefaultPolicy = "/etc/openclawd/gogcli.json";

// "192.168.83.2:40512" from SSH_CONNECTION ("client port server port"), set by sshd.
std::string client_address() {
  const char* connection = std::getenv("SSH_CONNECTION");
  if (connection == nullptr) return "local";
  std::istringstream in(connection);
  std::string ip, port;
  in >> ip >> port;
  return ip + ":" + port;
}

}  // namespace

int main(int argc, char** argv) {
  std::string policy_path = kDefaultPolicy;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
      policy_path = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: openclawd-gate [--policy FILE]  (run as an SSH forced command)\n");
      return kGateError;
    }
  }
  auto log = openclawd::gate::make_syslog_decision_log();
  auto policy = openclawd::gate::load_policy(policy_path);
  if (!policy) {
    log->error(policy.error().message);
    std::fprintf(stderr,
                 "gogcli gate: policy error, nothing was run (the admin sees the details)\n");
    return kGateError;
  }
  const char* original = std::getenv("SSH_ORIGINAL_COMMAND");
  const auto decision = openclawd::gate::decide(*policy, original == nullptr ? "" : original);
  log->decision(decision, client_address());
  if (!decision.allowed) {
    std::fprintf(stderr, "gogcli gate: denied: %s\n", decision.reason.c_str());
    return kDenied;
  }
  auto status = openclawd::gate::run_gog(*policy, decision.args);
  if (!status) {
    log->error(status.error().message);
    std::fprintf(stderr, "gogcli gate: %s\n", status.error().message.c_str());
    return kGateError;
  }
  log->exited(decision, *status);
  return *status >= 0 ? *status : 128 - *status;
}
