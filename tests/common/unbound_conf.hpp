#pragma once
// The configuration of a Debian `unbound` that the e2e tests run as the
// daemon's upstream inside their network namespace: 127.0.0.1:5353, answers
// only its local data under "example." and refuses everything else, so no
// query ever leaves the namespace.

#include <filesystem>
#include <string>
#include <vector>

namespace openclawd::testing {

// `records`: local-data lines such as "api.example. 300 IN A 192.0.2.10".
inline std::string local_unbound_conf(const std::filesystem::path& directory,
                                      const std::vector<std::string>& records) {
  std::string conf =
      "server:\n"
      "  interface: 127.0.0.1\n  port: 5353\n"
      "  do-daemonize: no\n  use-syslog: no\n  logfile: \"\"\n  username: \"\"\n"
      "  chroot: \"\"\n  directory: \"" +
      directory.string() +
      "\"\n  pidfile: \"\"\n  do-ip6: no\n  access-control: 127.0.0.0/8 allow\n"
      "  module-config: \"iterator\"\n  num-threads: 1\n"
      "  local-zone: \".\" refuse\n  local-zone: \"example.\" static\n"
      "  local-data: \"example. 3600 IN SOA ns.example. a.example. 1 3600 600 86400 300\"\n";
  for (const auto& record : records) conf += "  local-data: \"" + record + "\"\n";
  conf += "remote-control:\n  control-enable: no\n";
  return conf;
}

}  // namespace openclawd::testing
