#pragma once
// A temporary directory removed when the test ends (tests are hermetic).

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace openclawd::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "openclawd-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  // OPENCLAWD_KEEP_TEST_DIRS=1 keeps them, to look at logs after a failure.
  ~TempDir() {
    if (const char* keep = std::getenv("OPENCLAWD_KEEP_TEST_DIRS"); keep && *keep == '1') return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  std::filesystem::path write(const std::string& name, const std::string& content) const {
    auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// The whole content of a file ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), {});
}

// The source tree and the built `openclawd` binary (set by openclawd_gtest;
// OPENCLAWD_SOURCE_DIR / OPENCLAWD_BINARY override them).
inline std::filesystem::path source_dir() {
  if (const char* dir = std::getenv("OPENCLAWD_SOURCE_DIR")) return dir;
#ifdef OPENCLAWD_TEST_SOURCE_DIR
  return OPENCLAWD_TEST_SOURCE_DIR;
#else
  return std::filesystem::current_path();
#endif
}

inline std::string openclawd_binary() {
  if (const char* path = std::getenv("OPENCLAWD_BINARY")) return path;
#ifdef OPENCLAWD_TEST_BINARY
  return OPENCLAWD_TEST_BINARY;
#else
  return "openclawd";
#endif
}

}  // namespace openclawd::testing
