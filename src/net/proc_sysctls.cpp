#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "openclawd/net/sysctls.hpp"

namespace openclawd::net {
namespace {

// Keys come from the config (interface names): refuse anything that could
// leave /proc/sys.
bool safe_key(const std::string& key) {
  if (key.empty() || key.front() == '/') return false;
  std::size_t start = 0;
  while (start <= key.size()) {
    const auto end = std::min(key.find('/', start), key.size());
    const auto part = key.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

class ProcSysctls final : public Sysctls {
 public:
  Result<std::string> read(const std::string& key) const override {
    if (!safe_key(key)) return make_error(fmt::format("invalid sysctl key \"{}\"", key));
    const auto path = "/proc/sys/" + key;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    std::string value;
    char buffer[256];
    for (;;) {
      const auto n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int error = errno;
        ::close(fd);
        return make_error(fmt::format("cannot read {}: {}", path, std::strerror(error)));
      }
      if (n == 0) break;
      value.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
  }

  Status write(const std::string& key, const std::string& value) override {
    if (!safe_key(key)) return make_error(fmt::format("invalid sysctl key \"{}\"", key));
    const auto path = "/proc/sys/" + key;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return make_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    const std::string line = value + "\n";
    const auto n = ::write(fd, line.data(), line.size());
    const int error = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size())) {
      return make_error(fmt::format("cannot write {} to {}: {}", value, path,
                                    n < 0 ? std::strerror(error) : "short write"));
    }
    return ok_status();
  }

  Result<std::vector<std::string>> list(const std::string& key) const override {
    if (!safe_key(key)) return make_error(fmt::format("invalid sysctl key \"{}\"", key));
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/sys/" + key, ec)) {
      names.push_back(entry.path().filename().string());
    }
    if (ec) return make_error(fmt::format("cannot list /proc/sys/{}: {}", key, ec.message()));
    return names;
  }
};

}  // namespace

std::unique_ptr<Sysctls> make_proc_sysctls() {
  return std::make_unique<ProcSysctls>();
}

std::string sysctl_name(const std::string& key) {
  std::string name = key;
  for (char& c : name) {
    if (c == '/') {
      c = '.';
    } else if (c == '.') {
      c = '/';
    }
  }
  return name;
}

std::string interface_forwarding_key(const std::string& interface) {
  return "net/ipv4/conf/" + interface + "/forwarding";
}

}  // namespace openclawd::net
