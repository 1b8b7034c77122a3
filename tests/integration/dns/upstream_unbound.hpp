#pragma once
// Debian's real `unbound` as the upstream of the tests and the benchmark:
// listens on 127.0.0.1 at a free port, serves a few local-data names under
// "example." and refuses everything else (so nothing ever leaves the loopback),
// no remote control, no root hints, not daemonized. Killed by the destructor,
// so a failing test still cleans up.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "common/process.hpp"
#include "common/temp_dir.hpp"

namespace openclawd::dns::testing {

// A port free for both UDP and TCP on 127.0.0.1 right now.
inline std::uint16_t free_loopback_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ::bind(udp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::getsockname(udp, reinterpret_cast<sockaddr*>(&addr), &len);
    int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
    const bool tcp_free = ::bind(tcp, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(tcp);
    ::close(udp);
    if (tcp_free) return ntohs(addr.sin_port);
  }
  return 0;
}

class UpstreamUnbound {
 public:
  // `big_records`: how many A records big.example. has (for truncation tests).
  explicit UpstreamUnbound(int big_records = 100) : port_(free_loopback_port()) {
    std::string conf;
    conf += "server:\n";
    conf += "  interface: 127.0.0.1\n";
    conf += "  port: " + std::to_string(port_) + "\n";
    conf += "  do-daemonize: no\n  use-syslog: no\n  logfile: \"\"\n  verbosity: 0\n";
    conf += "  username: \"\"\n  chroot: \"\"\n";
    conf += "  directory: \"" + dir_.path().string() + "\"\n";
    conf += "  pidfile: \"" + (dir_ / "unbound.pid").string() + "\"\n";
    conf += "  do-ip6: no\n  do-ip4: yes\n  do-udp: yes\n  do-tcp: yes\n";
    conf += "  access-control: 127.0.0.0/8 allow\n";
    conf += "  module-config: \"iterator\"\n";
    conf += "  num-threads: 1\n";
    // Everything outside example. is refused locally: no root hints, no recursion.
    conf += "  local-zone: \".\" refuse\n";
    conf += "  local-zone: \"example.\" static\n";
    conf +=
        "  local-data: \"example. 3600 IN SOA ns.example. admin.example. 1 3600 600 86400 300\"\n";
    conf += "  local-data: \"www.example. 300 IN A 192.0.2.10\"\n";
    conf += "  local-data: \"www.example. 300 IN AAAA 2001:db8::10\"\n";
    conf += "  local-data: \"alias.example. 300 IN CNAME www.example.\"\n";
    conf += "  local-data: \"x.blocked.example. 300 IN A 192.0.2.66\"\n";
    conf += "  local-data: \"allowed.example. 120 IN A 192.0.2.20\"\n";
    for (int i = 0; i < big_records; ++i) {
      conf += "  local-data: \"big.example. 300 IN A 198.51.100." + std::to_string(i % 250 + 1) +
              "\"\n";
      if (i >= 249) break;
    }
    for (int i = 0; i < 200; ++i) {
      conf += "  local-data: \"n" + std::to_string(i) + ".example. 300 IN A 192.0.2." +
              std::to_string(i % 250 + 1) + "\"\n";
    }
    conf += "remote-control:\n  control-enable: no\n";
    config_ = dir_.write("unbound.conf", conf);
    process_ = std::make_unique<openclawd::testing::BackgroundProcess>(
        std::vector<std::string>{"unbound", "-d", "-c", config_.string()},
        std::map<std::string, std::string>{}, (dir_ / "unbound.log").string());
    ready_ = wait_until_answering();
  }

  bool ready() const { return ready_; }
  std::uint16_t port() const { return port_; }
  std::string forwarder() const { return "127.0.0.1@" + std::to_string(port_); }
  std::string log() const {
    std::ifstream in(dir_ / "unbound.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  bool wait_until_answering() {
    for (int i = 0; i < 50; ++i) {
      auto r =
          openclawd::testing::run_command({"dig", "@127.0.0.1", "-p", std::to_string(port_),
                                           "+short", "+time=1", "+tries=1", "www.example", "A"},
                                          std::chrono::seconds(3));
      if (r.exit_code == 0 && r.out.find("192.0.2.10") != std::string::npos) return true;
      if (process_->wait(std::chrono::milliseconds(100))) return false;  // exited: bad config
    }
    return false;
  }

  openclawd::testing::TempDir dir_;
  std::uint16_t port_;
  std::filesystem::path config_;
  std::unique_ptr<openclawd::testing::BackgroundProcess> process_;
  bool ready_ = false;
};

}  // namespace openclawd::dns::testing
