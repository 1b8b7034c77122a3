#pragma once
// Runs gog for an allowed decision: fork, execve of the policy's fixed path
// with the argv vector and a clean environment built from the policy (nothing
// from the SSH client's environment), wait, and report the exit status.

#include <map>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/gate/policy.hpp"

namespace openclawd::gate {

// GOG_JSON, GOG_ENABLE_COMMANDS, HOME, PATH, the policy's environment and its
// secret_environment values read from their files (a trailing newline dropped).
Result<std::map<std::string, std::string>> build_environment(const Policy& policy);

// Exit status of gog (0–255), or -N when a signal N killed it. stdin, stdout and
// stderr are the gate's own (the SSH channel).
Result<int> run_gog(const Policy& policy, const std::vector<std::string>& args);

}  // namespace openclawd::gate
