// The control socket over a real unix socket: size limit, timeout, malformed
// requests, slow clients that must not block others, socket modes, stale and
// live sockets, and peer credentials of an unprivileged user.
#include "openclawd/control/server.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "common/temp_dir.hpp"
#include "openclawd/control/client.hpp"

namespace openclawd::control {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

ServerSettings settings_at(const std::filesystem::path& path) {
  ServerSettings settings;
  settings.socket_path = path;
  return settings;
}

// A raw client, to send what a well-behaved client never would.
class RawClient {
 public:
  explicit RawClient(const std::filesystem::path& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::string& data) {
    for (std::size_t sent = 0; sent < data.size();) {
      auto n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may already have closed: fine for these tests
      sent += static_cast<std::size_t>(n);
    }
  }
  // Reads one line (without newline); empty on EOF or timeout.
  std::string read_line(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      auto n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) return {};
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    auto pos = buffer_.find('\n');
    auto line = buffer_.substr(0, pos);
    buffer_.erase(0, pos + 1);
    return line;
  }
  bool closed_by_peer(std::chrono::milliseconds timeout = 5s) {
    pollfd pfd{fd_, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.add_sync("status", "s", false, [](const Request&, const Peer& peer) {
      return Response::ok("ok", {{"uid", peer.uid}});
    });
    registry_.add_sync("stop", "stop", true,
                       [](const Request&, const Peer&) { return Response::ok("stopped"); });
    // A command that answers later, as a VM boot would.
    registry_.add("slow", {"slow", false, [this](const Request&, const Peer&, Reply reply) {
                             slow_replies_.push_back(std::move(reply));
                           }});
  }
  void TearDown() override { stop_server(); }

  void start_server(ServerSettings settings = {}) {
    if (settings.socket_path.empty()) settings.socket_path = dir_ / "run/control.sock";
    socket_path_ = settings.socket_path;
    server_ = std::make_unique<Server>(io_, registry_, settings);
    auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().message;
    thread_ = std::thread([this] { io_.run(); });
  }
  void stop_server() {
    if (!thread_.joinable()) return;
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      server_->stop();
      done.set_value();
    });
    done.get_future().wait();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  Result<Response> call_status() { return call(socket_path_, {"status", {}}, 5s); }

  testing::TempDir dir_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  CommandRegistry registry_;
  std::vector<Reply> slow_replies_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::filesystem::path socket_path_;
};

TEST_F(ServerTest, AnswersARequestAndReportsThePeer) {
  start_server();
  auto response = call_status();
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->result, ResultCode::success);
  EXPECT_EQ(response->arguments["uid"], ::getuid());
}

TEST_F(ServerTest, SocketIsMode0660) {
  start_server();
  struct stat st {};
  ASSERT_EQ(::stat(socket_path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0660u);
}

TEST_F(ServerTest, SeveralRequestsOnOneConnection) {
  start_server();
  RawClient client(socket_path_);
  ASSERT_TRUE(client.connected());
  client.send("{\"command\":\"status\"}\n{\"command\":\"list-commands\"}\n");
  EXPECT_THAT(client.read_line(), HasSubstr("\"result\":0"));
  EXPECT_THAT(client.read_line(), HasSubstr("\"name\":\"list-commands\""));
}

TEST_F(ServerTest, MalformedRequestGetsAnErrorAndTheConnectionStaysUsable) {
  start_server();
  RawClient client(socket_path_);
  client.send("this is not json\n");
  auto line = client.read_line();
  EXPECT_THAT(line, HasSubstr("\"result\":4"));
  EXPECT_THAT(line, HasSubstr("not valid JSON"));
  client.send("{\"command\":\"status\"}\n");
  EXPECT_THAT(client.read_line(), HasSubstr("\"result\":0"));
}

TEST_F(ServerTest, OversizedRequestIsRefusedAndClosed) {
  ServerSettings settings;
  settings.max_request_bytes = 1024;
  start_server(settings);
  RawClient client(socket_path_);
  client.send(std::string(4096, 'x'));  // no newline: the server must not wait forever
  auto line = client.read_line();
  EXPECT_THAT(line, HasSubstr("\"result\":4"));
  EXPECT_THAT(line, HasSubstr("larger than 1024 bytes"));
  EXPECT_TRUE(client.closed_by_peer());
  // The server still serves others.
  EXPECT_TRUE(call_status().ok());
}

TEST_F(ServerTest, IncompleteRequestTimesOut) {
  ServerSettings settings;
  settings.request_timeout_ms = 200;
  start_server(settings);
  RawClient client(socket_path_);
  client.send("{\"command\":");
  auto line = client.read_line();
  EXPECT_THAT(line, HasSubstr("not completed within 200 ms"));
  EXPECT_TRUE(client.closed_by_peer());
}

TEST_F(ServerTest, SilentClientDoesNotBlockOthers) {
  start_server();
  RawClient silent(socket_path_);
  silent.send("{\"comm");  // never finishes
  for (int i = 0; i < 5; ++i) {
    auto response = call_status();
    ASSERT_TRUE(response.ok()) << response.error().message;
  }
}

TEST_F(ServerTest, SlowCommandDoesNotBlockOthers) {
  start_server();
  RawClient waiting(socket_path_);
  waiting.send("{\"command\":\"slow\"}\n");
  auto response = call_status();  // answered while "slow" is still pending
  ASSERT_TRUE(response.ok());
  std::promise<void> answered;
  boost::asio::post(io_, [&] {
    ASSERT_EQ(slow_replies_.size(), 1u);
    slow_replies_[0](Response::ok("finally"));
    answered.set_value();
  });
  answered.get_future().wait();
  EXPECT_THAT(waiting.read_line(), HasSubstr("finally"));
}

TEST_F(ServerTest, TooManyClientsAreTurnedAway) {
  ServerSettings settings;
  settings.max_clients = 2;
  start_server(settings);
  RawClient a(socket_path_), b(socket_path_);
  a.send("{\"command\":\"status\"}\n");
  b.send("{\"command\":\"status\"}\n");
  ASSERT_THAT(a.read_line(), HasSubstr("\"result\":0"));
  ASSERT_THAT(b.read_line(), HasSubstr("\"result\":0"));
  RawClient c(socket_path_);
  EXPECT_THAT(c.read_line(), HasSubstr("too many control clients"));
}

TEST_F(ServerTest, StaleSocketFileIsReplaced) {
  // A socket file with nobody behind it, as a crashed daemon leaves.
  std::filesystem::create_directories(dir_ / "run");
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  auto path = (dir_ / "run/control.sock").string();
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ::close(fd);
  start_server();
  EXPECT_TRUE(call_status().ok());
}

TEST_F(ServerTest, LiveSocketOfAnotherDaemonIsNotStolen) {
  start_server();
  boost::asio::io_context other_io;
  Server other(other_io, registry_, settings_at(socket_path_));
  auto started = other.start();
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.error().message, HasSubstr("another openclawd daemon is listening"));
  EXPECT_TRUE(call_status().ok());
}

TEST_F(ServerTest, RegularFileInTheWayIsAnError) {
  dir_.write("run/control.sock", "not a socket");
  boost::asio::io_context io;
  Server server(io, registry_, settings_at(dir_ / "run/control.sock"));
  auto started = server.start();
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.error().message, HasSubstr("exists and is not a socket"));
}

TEST_F(ServerTest, UnknownGroupIsAnError) {
  boost::asio::io_context io;
  ServerSettings settings = settings_at(dir_ / "control.sock");
  settings.group = "no-such-group-openclawd";
  Server server(io, registry_, settings);
  auto started = server.start();
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.error().message, HasSubstr("control group \"no-such-group-openclawd\""));
}

TEST_F(ServerTest, ClientReportsDaemonNotRunning) {
  ClientError error;
  auto response = call(dir_ / "absent.sock", {"status", {}}, 1s, &error);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(error.kind, ClientFailure::not_running);
  EXPECT_THAT(response.error().message, HasSubstr("daemon is not running"));
}

// Peer credentials come from the kernel: a process running as "nobody" may
// read status but not stop anything. Needs root to switch user.
TEST_F(ServerTest, UnprivilegedPeerIsDeniedStateChanges) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a client as another user";
  ServerSettings settings;
  settings.socket_path = dir_ / "control.sock";
  start_server(settings);
  // The socket is 0660 root:root; let "nobody" reach it for this test.
  ::chmod(dir_.path().c_str(), 0755);
  ::chmod(socket_path_.c_str(), 0666);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    auto status = call(socket_path_, {"status", {}}, 5s);
    auto stop = call(socket_path_, {"stop", {}}, 5s);
    std::string out = std::to_string(status.ok() ? static_cast<int>(status->result) : -1) + " " +
                      std::to_string(stop.ok() ? static_cast<int>(stop->result) : -1);
    (void)!::write(pipe_fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  char buffer[64] = {};
  (void)!::read(pipe_fds[0], buffer, sizeof(buffer) - 1);
  ::close(pipe_fds[0]);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  ASSERT_TRUE(WIFEXITED(wstatus));
  ASSERT_EQ(WEXITSTATUS(wstatus), 0);
  EXPECT_STREQ(buffer, "0 3");  // status: success; stop: denied
  // Root may stop.
  auto stop = call(socket_path_, {"stop", {}}, 5s);
  ASSERT_TRUE(stop.ok());
  EXPECT_EQ(stop->result, ResultCode::success);
}

TEST(Groups, RootIsAlwaysAllowedAndNoGroupMeansRootOnly) {
  EXPECT_TRUE(user_in_group(0, 0, std::nullopt));
  EXPECT_FALSE(user_in_group(1000, 1000, std::nullopt));
  EXPECT_TRUE(user_in_group(1000, 1234, 1234u));
}

}  // namespace
}  // namespace openclawd::control
