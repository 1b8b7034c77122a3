// The gate behind real OpenSSH: Debian's sshd on loopback inside a network
// namespace this test creates, an authorized key forced to openclawd-gate with
// no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty, and the real
// ssh client. gog is the stand-in tests/fixtures/gate/echo-gog, which echoes
// its argv. The client key and the authorized-keys line are written by the
// secrets module, as in the product. Needs root (netns, mounts); skips otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "openclawd/secrets/ssh_key.hpp"

namespace {

using openclawd::testing::BackgroundProcess;
using openclawd::testing::CommandResult;
using openclawd::testing::run_command;
using openclawd::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

constexpr int kSshPort = 2222;  // inside the test's own namespace: no clash possible

using openclawd::testing::read_file;

void append(const fs::path& file, const std::string& line) {
  std::ofstream(file, std::ios::app) << line << "\n";
}

std::vector<std::string> nul_separated(const std::string& out) {
  std::vector<std::string> args;
  std::size_t start = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\0') {
      args.push_back(out.substr(start, i - start));
      start = i + 1;
    }
  }
  return args;
}

class GateOverSsh : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: creates a network namespace and runs sshd";
    for (const char* tool :
         {"/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/unshare"}) {
      if (!fs::exists(tool))
        GTEST_SKIP() << tool << " missing (scripts/install-deps.sh installs it)";
    }
    fs::permissions(dir_.path(), fs::perms(0755));  // the gogcli user must reach the gate
    netns_ = "ocd-gate-" + std::to_string(::getpid());
    ASSERT_EQ(run({"ip", "netns", "add", netns_}).exit_code, 0);
    netns_created_ = true;
    ASSERT_EQ(run({"ip", "-n", netns_, "link", "set", "lo", "up"}).exit_code, 0);

    // What the guest has: the gate, the policy (read-only share), gog.
    const auto src = openclawd::testing::source_dir();
    fs::copy_file(OPENCLAWD_GATE_BINARY, dir_ / "openclawd-gate");
    fs::copy_file(src / "tests/fixtures/gate/echo-gog", dir_ / "gog");
    fs::permissions(dir_ / "gog", fs::perms(0755));
    dir_.write("keyring-password", "hunter2\n");
    fs::permissions(dir_ / "keyring-password", fs::perms(0644));
    std::string policy = read_file(src / "policies/gogcli.json");
    replace(policy, "/usr/local/bin/gog", (dir_ / "gog").string());
    replace(policy, "/run/secrets/keyring-password", (dir_ / "keyring-password").string());
    replace(policy, "/persist/gogcli", (dir_ / "home").string());
    dir_.write("gogcli.json", policy);
    fs::permissions(dir_ / "gogcli.json", fs::perms(0644));

    // The client key and authorized-keys line come from the secrets module, as
    // in the product; only sshd's host key is made with ssh-keygen.
    auto key = openclawd::secrets::generate_ed25519_key();
    ASSERT_TRUE(key.ok()) << key.error().message;
    dir_.write("ssh-key",
               openclawd::secrets::openssh_private_key(*key, "openclaw-to-gogcli", 0x5eed1234u));
    fs::permissions(dir_ / "ssh-key", fs::perms(0600));
    ASSERT_EQ(
        run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", (dir_ / "host-key").string()})
            .exit_code,
        0);
    auto authorized = openclawd::secrets::authorized_keys_line(
        *key, "openclaw-to-gogcli",
        (dir_ / "openclawd-gate").string() + " --policy " + (dir_ / "gogcli.json").string());
    ASSERT_TRUE(authorized.ok()) << authorized.error().message;
    dir_.write("authorized-keys", *authorized + "\n");

    // The throwaway user exists only in sshd's private mount namespace.
    const int uid = 61000 + ::getpid() % 3000;
    fs::create_directories(dir_ / "etc");
    fs::create_directories(dir_ / "dev");
    fs::create_directories(dir_ / "home");
    fs::copy_file("/etc/passwd", dir_ / "etc/passwd");
    fs::copy_file("/etc/shadow", dir_ / "etc/shadow");
    fs::copy_file("/etc/group", dir_ / "etc/group");
    append(dir_ / "etc/passwd", "gogcli:x:" + std::to_string(uid) + ":" + std::to_string(uid) +
                                    "::" + (dir_ / "home").string() + ":/bin/sh");
    append(dir_ / "etc/shadow", "gogcli:*:19000:0:99999:7:::");
    append(dir_ / "etc/group", "gogcli:x:" + std::to_string(uid) + ":");
    dir_.write("sshd_config",
               "Port " + std::to_string(kSshPort) + "\nListenAddress 127.0.0.1\nHostKey " +
                   (dir_ / "host-key").string() + "\nPidFile none\nAuthorizedKeysFile " +
                   (dir_ / "authorized-keys").string() +
                   "\nStrictModes no\nUsePAM no\nPasswordAuthentication no\n"
                   "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
                   "AllowUsers gogcli\nPermitUserEnvironment no\nLogLevel VERBOSE\n"
                   // The server would allow these; the key's options must refuse them.
                   "AllowTcpForwarding yes\nPermitTTY yes\nX11Forwarding no\n");

    open_syslog_collector();
    sshd_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{"ip", "netns", "exec", netns_, "unshare", "--mount", "/bin/sh",
                                 (src / "tests/integration/gate/sshd-in-netns.sh").string(),
                                 dir_.path().string()},
        std::map<std::string, std::string>{}, (dir_ / "sshd.log").string());
    for (int i = 0;
         i < 100 && read_file(dir_ / "sshd.log").find("Server listening") == std::string::npos;
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_THAT(read_file(dir_ / "sshd.log"), HasSubstr("Server listening"))
        << read_file(dir_ / "sshd.log");
  }

  void TearDown() override {
    sshd_.reset();
    if (log_socket_ >= 0) ::close(log_socket_);
    if (netns_created_) run({"ip", "netns", "del", netns_});
  }

  static void replace(std::string& text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size())) {
      text.replace(pos, from.size(), to);
    }
  }

  static CommandResult run(const std::vector<std::string>& argv) { return run_command(argv); }

  // /dev/log inside sshd's namespace is this socket, so the gate's syslog lines land here.
  void open_syslog_collector() {
    log_socket_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ASSERT_GE(log_socket_, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const auto path = (dir_ / "dev/log").string();
    ASSERT_LT(path.size(), sizeof(addr.sun_path));
    std::copy(path.begin(), path.end(), addr.sun_path);
    ASSERT_EQ(::bind(log_socket_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    fs::permissions(path, fs::perms(0666));
  }

  std::string syslog_lines() {
    char buffer[4096];
    for (ssize_t n; (n = ::recv(log_socket_, buffer, sizeof(buffer), 0)) > 0;) {
      syslog_.append(buffer, static_cast<std::size_t>(n)).push_back('\n');
    }
    return syslog_;
  }

  // ssh from inside the namespace with the agent's key; extra options first.
  CommandResult ssh(const std::vector<std::string>& options, const std::string& command) {
    std::vector<std::string> argv{"ip",
                                  "netns",
                                  "exec",
                                  netns_,
                                  "ssh",
                                  "-F",
                                  "/dev/null",
                                  "-i",
                                  (dir_ / "ssh-key").string(),
                                  "-p",
                                  std::to_string(kSshPort),
                                  "-o",
                                  "BatchMode=yes",
                                  "-o",
                                  "StrictHostKeyChecking=no",
                                  "-o",
                                  "UserKnownHostsFile=/dev/null",
                                  "-o",
                                  "LogLevel=ERROR"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back("gogcli@127.0.0.1");
    if (!command.empty()) argv.push_back(command);
    return run_command(argv, std::chrono::seconds(30));
  }

  TempDir dir_;
  std::string netns_;
  bool netns_created_ = false;
  std::unique_ptr<BackgroundProcess> sshd_;
  int log_socket_ = -1;
  std::string syslog_;
};

TEST_F(GateOverSsh, AllowedCallsRunWithIntactArguments) {
  const auto result =
      ssh({"-T"}, R"(gog gmail search 'subject:"Lunch at 12"' "it's \"fine\"" Grüße\ 🙂 '')");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(nul_separated(result.out), ElementsAre("gmail", "search", "subject:\"Lunch at 12\"",
                                                     "it's \"fine\"", "Grüße 🙂", ""));
  EXPECT_THAT(result.err,
              HasSubstr("GOG_ENABLE_COMMANDS=calendar,contacts,docs,drive,gmail,sheets,tasks"));
  EXPECT_THAT(result.err, Not(HasSubstr("SSH_")));  // nothing of the session leaks into gog

  const auto docs = ssh({"-T"}, "gog docs cat 1AbC");
  EXPECT_EQ(docs.exit_code, 0) << docs.err;
  EXPECT_THAT(nul_separated(docs.out), ElementsAre("docs", "cat", "1AbC"));

  const auto logged = syslog_lines();
  EXPECT_THAT(logged, HasSubstr("gogcli-gate["));
  EXPECT_THAT(logged, HasSubstr("decision=allow subcommand=gmail verb=search class=read argc=6"));
  EXPECT_THAT(logged, HasSubstr("client=127.0.0.1:"));
  EXPECT_THAT(logged, HasSubstr("exit subcommand=gmail verb=search status=0"));
  EXPECT_THAT(logged, Not(HasSubstr("Lunch")));
}

TEST_F(GateOverSsh, GmailSendIsDeniedUnderTheDefaultPolicy) {
  const auto result = ssh({"-T"}, "gog gmail send --to boss@example.com --subject 'Quit'");
  EXPECT_EQ(result.exit_code, 126);
  EXPECT_EQ(result.out, "");
  EXPECT_THAT(result.err, HasSubstr("allows reads only"));
  EXPECT_THAT(syslog_lines(),
              HasSubstr("decision=deny subcommand=gmail verb=send class=write argc=6"));
}

// Issue 22: spellings of denied flags that the old deny list let through.
TEST_F(GateOverSsh, FlagsOutsideTheAllowlistAreRefusedInEverySpelling) {
  for (const char* command :
       {"gog gmail search -aevil@example.com in:inbox", "gog gmail search --acct=evil@example.com",
        "gog gmail search -ja evil@example.com", "gog gmail search x --home /tmp/evil",
        "gog gmail search x --access-token=ya29.evil", "gog gmail search -o/tmp/evil"}) {
    SCOPED_TRACE(command);
    const auto result = ssh({"-T"}, command);
    EXPECT_EQ(result.exit_code, 126);
    EXPECT_EQ(result.out, "");  // the stand-in gog never ran
    EXPECT_THAT(result.err, HasSubstr("is not allowed for \"gmail search\""));
  }
  const auto logged = syslog_lines();
  EXPECT_THAT(logged,
              HasSubstr("decision=deny subcommand=gmail verb=search class=- flag=-a argc=4"));
  EXPECT_THAT(logged, HasSubstr("flag=--acct"));
  EXPECT_THAT(logged, HasSubstr("flag=--home"));
  EXPECT_THAT(logged, Not(HasSubstr("evil")));

  // The allowed spellings of allowed flags still run, with argv intact.
  const auto allowed = ssh({"-T"}, "gog mail find -jz UTC --limit=3 in:inbox -- --account");
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_THAT(nul_separated(allowed.out), ElementsAre("mail", "find", "-jz", "UTC", "--limit=3",
                                                      "in:inbox", "--", "--account"));
  EXPECT_THAT(syslog_lines(), HasSubstr("decision=allow subcommand=gmail verb=search class=read"));
}

TEST_F(GateOverSsh, ShellAndCommandChainingAreRefused) {
  for (const char* command :
       {"sh", "/bin/sh -c id", "gog calendar events; cat /etc/passwd",
        "gog calendar events && cat /etc/passwd", "gog calendar events $(cat /etc/passwd)"}) {
    SCOPED_TRACE(command);
    const auto result = ssh({"-T"}, command);
    EXPECT_EQ(result.exit_code, 126);
    EXPECT_EQ(result.out, "");
    EXPECT_THAT(result.err, Not(HasSubstr("root:x:0")));
  }
  const auto no_command = ssh({"-T"}, "");  // an interactive login is no command at all
  EXPECT_EQ(no_command.exit_code, 126);
  EXPECT_THAT(no_command.err, HasSubstr("no gog command"));
}

TEST_F(GateOverSsh, PortForwardingIsRefused) {
  // Local forwarding (-W opens a direct-tcpip channel to sshd's own port).
  const auto local = ssh({"-W", "127.0.0.1:" + std::to_string(kSshPort)}, "");
  EXPECT_NE(local.exit_code, 0);
  EXPECT_THAT(local.err, HasSubstr("forwarding failed"));
  EXPECT_THAT(read_file(dir_ / "sshd.log"), HasSubstr("refused local port forward"));
  // Remote forwarding.
  const auto remote = ssh({"-T", "-o", "ExitOnForwardFailure=yes", "-R", "127.0.0.1:0:127.0.0.1:9"},
                          "gog calendar events");
  EXPECT_EQ(remote.exit_code, 255);
  EXPECT_THAT(remote.err, HasSubstr("forwarding failed"));
  EXPECT_EQ(remote.out, "");
}

TEST_F(GateOverSsh, PtyIsRefused) {
  // -tt insists on a terminal: sshd refuses it and the client gives up.
  const auto result = ssh({"-tt"}, "gog calendar events");
  EXPECT_THAT(result.err, HasSubstr("PTY allocation request failed"));
  EXPECT_THAT(result.err, Not(HasSubstr("HAS-TTY")));
  EXPECT_THAT(result.out, Not(HasSubstr("HAS-TTY")));
}

}  // namespace
