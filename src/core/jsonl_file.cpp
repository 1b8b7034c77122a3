#include "openclawd/core/jsonl_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace openclawd {

Result<std::unique_ptr<JsonlFile>> JsonlFile::open(const std::filesystem::path& file,
                                                   std::string_view what,
                                                   std::string_view config_key) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return make_error("cannot open " + std::string(what) + " " + file.string() + ": " +
                      std::strerror(errno) + "; check " + std::string(config_key) +
                      " and its directory");
  }
  return std::unique_ptr<JsonlFile>(new JsonlFile(file, std::string(what), fd));
}

JsonlFile::~JsonlFile() {
  ::close(fd_);
}

Status JsonlFile::append(const nlohmann::json& record) {
  const std::string line =
      record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // With O_APPEND the kernel places each write at the end; a short write is
  // finished under the lock so no other line lands inside this one.
  std::lock_guard lock(mutex_);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ++lost_;
      return make_error("cannot write " + what_ + " " + path_.string() + ": " +
                        std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  return ok_status();
}

}  // namespace openclawd
