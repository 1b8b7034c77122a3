#include "openclawd/core/data_dir.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <system_error>

namespace openclawd::core {
namespace {

namespace fs = std::filesystem;

// Compiled in by src/core/CMakeLists.txt.
constexpr const char* kInstalledDataDir = OPENCLAWD_INSTALLED_DATA_DIR;
constexpr const char* kBinDirToDataDir = OPENCLAWD_BINDIR_TO_DATADIR;
constexpr const char* kSourceDir = OPENCLAWD_SOURCE_DIR;
constexpr const char* kBuildDir = OPENCLAWD_BUILD_DIR;

bool is_within(const fs::path& inner, const fs::path& outer) {
  std::error_code ec;
  const fs::path a = fs::weakly_canonical(inner, ec);
  if (ec) return false;
  const fs::path b = fs::weakly_canonical(outer, ec);
  if (ec) return false;
  auto [outer_end, inner_it] = std::mismatch(b.begin(), b.end(), a.begin(), a.end());
  (void)inner_it;
  return outer_end == b.end();
}

bool holds(const fs::path& data_dir, std::string_view relative) {
  std::error_code ec;
  return fs::is_regular_file(data_dir / "policies" / fs::path(relative), ec);
}

}  // namespace

DataDirCandidates data_dir_candidates() {
  DataDirCandidates candidates;
  if (const char* env = std::getenv("OPENCLAWD_DATA_DIR"); env && *env) {
    candidates.from_env = fs::path(env);
  }
  candidates.installed = kInstalledDataDir;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.next_to_binary = (exe.parent_path() / kBinDirToDataDir).lexically_normal();
    if (is_within(exe, kBuildDir)) candidates.source_tree = fs::path(kSourceDir);
  }
  return candidates;
}

Result<fs::path> find_shipped_policy(std::string_view relative,
                                     const DataDirCandidates& candidates) {
  const std::string wanted = "policies/" + std::string(relative);
  if (candidates.from_env) {
    if (holds(*candidates.from_env, relative)) {
      return *candidates.from_env / "policies" / fs::path(relative);
    }
    return make_error("OPENCLAWD_DATA_DIR=" + candidates.from_env->string() + " has no " + wanted +
                      "; point it at the directory that holds policies/ (the installed "
                      "<prefix>/share/openclawd, or the source tree) or unset it");
  }
  std::vector<std::pair<fs::path, std::string>> tried;
  if (!candidates.next_to_binary.empty()) {
    tried.emplace_back(candidates.next_to_binary, "next to the binary");
  }
  tried.emplace_back(candidates.installed, "installed data dir");
  if (candidates.source_tree) tried.emplace_back(*candidates.source_tree, "source tree");
  for (const auto& [dir, why] : tried) {
    if (holds(dir, relative)) return dir / "policies" / fs::path(relative);
  }
  std::string message = "cannot find the shipped " + wanted + "; looked in";
  for (std::size_t i = 0; i < tried.size(); ++i) {
    message +=
        (i == 0 ? " " : ", ") + (tried[i].first / wanted).string() + " (" + tried[i].second + ")";
  }
  message +=
      ". Install openclawd (cmake --install), set OPENCLAWD_DATA_DIR to the directory that "
      "holds policies/, or name the file with the command's option";
  return make_error(message);
}

Result<fs::path> find_shipped_policy(std::string_view relative) {
  return find_shipped_policy(relative, data_dir_candidates());
}

}  // namespace openclawd::core
