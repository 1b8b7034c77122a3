#pragma once
// Where openclawd finds the data it ships (policies/: defender rules, the
// gogcli gate policy, DNS lists): an explicit $OPENCLAWD_DATA_DIR, the install
// prefix the binary runs from, the data dir compiled in at configure time, or
// the source tree when the binary runs from its build tree.

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::core {

// The places to look, in order. A data dir is the directory that holds
// policies/ (an installed <datadir>/openclawd, or the source tree's root).
struct DataDirCandidates {
  std::optional<std::filesystem::path> from_env;     // $OPENCLAWD_DATA_DIR: used alone when set
  std::filesystem::path next_to_binary;              // <exe>/../share/openclawd (any prefix)
  std::filesystem::path installed;                   // CMAKE_INSTALL_FULL_DATADIR/openclawd
  std::optional<std::filesystem::path> source_tree;  // set when the binary is in its build tree
};

// The candidates of this process (its environment, /proc/self/exe and the
// paths compiled in).
DataDirCandidates data_dir_candidates();

// The first candidate that holds policies/<relative>, or an error that lists
// every place tried and says what to set.
Result<std::filesystem::path> find_shipped_policy(std::string_view relative,
                                                  const DataDirCandidates& candidates);
Result<std::filesystem::path> find_shipped_policy(std::string_view relative);

}  // namespace openclawd::core
