#pragma once
// An append-only file of JSON lines, the form of the daemon's records
// (decisions, model calls). Created 0640; each line is one write(2) on an
// O_APPEND descriptor, so lines from several threads never interleave and a
// reader following the file (`openclawd logs X -f`) sees whole lines.
// Rotation by copytruncate works as it is.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclawd/core/result.hpp"

namespace openclawd {

class JsonlFile {
 public:
  // `what` and `config_key` name the file in errors ("the inference log",
  // "inference.log_file").
  static Result<std::unique_ptr<JsonlFile>> open(const std::filesystem::path& file,
                                                 std::string_view what,
                                                 std::string_view config_key);
  ~JsonlFile();
  JsonlFile(const JsonlFile&) = delete;
  JsonlFile& operator=(const JsonlFile&) = delete;

  // One line; invalid UTF-8 in a value is replaced rather than refused.
  Status append(const nlohmann::json& record);

  const std::filesystem::path& path() const { return path_; }
  // Lines that could not be written (disk full, ...).
  std::uint64_t lines_lost() const { return lost_.load(); }

 private:
  JsonlFile(std::filesystem::path path, std::string what, int fd)
      : path_(std::move(path)), what_(std::move(what)), fd_(fd) {}

  std::filesystem::path path_;
  std::string what_;
  int fd_;
  std::mutex mutex_;  // a line finished after a short write stays whole
  std::atomic<std::uint64_t> lost_{0};
};

}  // namespace openclawd
