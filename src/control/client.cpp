#include "openclawd/control/client.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace openclawd::control {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Error fail(ClientError* out, ClientFailure kind, std::string message) {
  if (out != nullptr) *out = {kind, message};
  return Error{std::move(message)};
}

}  // namespace

Result<Response> call(const std::filesystem::path& socket_path, const Request& request,
                      std::chrono::milliseconds timeout, ClientError* error) {
  const auto path = socket_path.string();
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    return fail(error, ClientFailure::protocol, "control socket path is too long: " + path);
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  FileDescriptor fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return fail(error, ClientFailure::protocol, fmt::format("socket: {}", std::strerror(errno)));
  }
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    const int e = errno;
    if (e == ENOENT || e == ECONNREFUSED) {
      return fail(error, ClientFailure::not_running,
                  fmt::format("the openclawd daemon is not running (nothing listens on {}); "
                              "start it with 'systemctl start openclawd' or 'openclawd daemon'",
                              path));
    }
    if (e == EACCES || e == EPERM) {
      return fail(error, ClientFailure::permission,
                  fmt::format("permission denied on {}: run as root or as a member of the "
                              "control group",
                              path));
    }
    return fail(error, ClientFailure::protocol,
                fmt::format("cannot connect to {}: {}", path, std::strerror(e)));
  }
  std::string line = serialize_request(request) + "\n";
  for (std::size_t sent = 0; sent < line.size();) {
    auto n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(error, ClientFailure::protocol,
                  fmt::format("sending to {} failed: {}", path, std::strerror(errno)));
    }
    sent += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string buffer;
  char chunk[4096];
  while (buffer.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return fail(error, ClientFailure::protocol,
                  fmt::format("no answer from the daemon within {} ms", timeout.count()));
    }
    pollfd pfd{fd.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // the deadline check above ends the wait
    auto n = ::recv(fd.get(), chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return fail(error, ClientFailure::protocol,
                  "the daemon closed the connection without answering");
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    if (buffer.size() > 64 * 1024 * 1024) {
      return fail(error, ClientFailure::protocol, "the daemon's answer is too large");
    }
  }
  auto response = parse_response(buffer.substr(0, buffer.find('\n')));
  if (!response) return fail(error, ClientFailure::protocol, response.error().message);
  return response;
}

}  // namespace openclawd::control
