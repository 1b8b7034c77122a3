#include "openclawd/gate/gog_runner.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace openclawd::gate {

Result<std::map<std::string, std::string>> build_environment(const Policy& policy) {
  std::map<std::string, std::string> env = policy.environment;
  env["GOG_JSON"] = "1";
  env["GOG_ENABLE_COMMANDS"] = policy.enabled_commands();
  env["HOME"] = policy.home.string();
  env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& [name, file] : policy.secret_environment) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return make_error("cannot read " + file.string() + " for " + name +
                        " (is /run/secrets shared into the guest?)");
    }
    std::ostringstream value;
    value << in.rdbuf();
    std::string text = value.str();
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (text.find('\0') != std::string::npos)
      return make_error(file.string() + " contains a NUL byte");
    env[name] = std::move(text);  // never logged
  }
  return env;
}

Result<int> run_gog(const Policy& policy, const std::vector<std::string>& args) {
  auto env = build_environment(policy);
  if (!env) return env.error();
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls.
  const std::string program = policy.gog_path.string();
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : *env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv{const_cast<char*>("gog")};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int exec_error[2];  // the child writes errno here if execve fails
  if (::pipe2(exec_error, O_CLOEXEC) != 0)
    return make_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(exec_error[0]);
    ::close(exec_error[1]);
    return make_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(exec_error[0]);
    ::execve(program.c_str(), argv.data(), envp.data());
    const int err = errno;
    (void)!::write(exec_error[1], &err, sizeof(err));
    ::_exit(127);
  }
  ::close(exec_error[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_error[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  ::close(exec_error[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return make_error(std::string("waitpid: ") + std::strerror(errno));
  }
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    return make_error("cannot execute " + program + ": " + std::strerror(child_errno) +
                      " (check gog_path in the policy)");
  }
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace openclawd::gate
