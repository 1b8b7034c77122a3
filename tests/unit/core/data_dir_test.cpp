// Where the shipped policies are found (include/openclawd/core/data_dir.hpp):
// the order of the candidates, an explicit OPENCLAWD_DATA_DIR used alone, and
// an error that lists every place looked in and what to set.
#include "openclawd/core/data_dir.hpp"

#include <gtest/gtest.h>

#include "common/temp_dir.hpp"

namespace openclawd::core {
namespace {

using openclawd::testing::TempDir;

class DataDirTest : public ::testing::Test {
 protected:
  std::filesystem::path data_dir(const std::string& name) {
    auto dir = temp_ / name;
    temp_.write(name + "/policies/defender/rules.json", "{}");
    return dir;
  }
  TempDir temp_;
};

TEST_F(DataDirTest, PrefersTheDataNextToTheBinary) {
  DataDirCandidates candidates;
  candidates.next_to_binary = data_dir("prefix");
  candidates.installed = data_dir("installed");
  candidates.source_tree = data_dir("source");
  auto found = find_shipped_policy("defender/rules.json", candidates);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, temp_ / "prefix/policies/defender/rules.json");
}

TEST_F(DataDirTest, FallsBackToInstalledThenSourceTree) {
  DataDirCandidates candidates;
  candidates.next_to_binary = temp_ / "empty-prefix";
  candidates.installed = temp_ / "not-installed";
  candidates.source_tree = data_dir("source");
  auto found = find_shipped_policy("defender/rules.json", candidates);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, temp_ / "source/policies/defender/rules.json");

  candidates.installed = data_dir("installed");
  found = find_shipped_policy("defender/rules.json", candidates);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, temp_ / "installed/policies/defender/rules.json");
}

TEST_F(DataDirTest, SourceTreeOnlyWhenRunFromTheBuildTree) {
  DataDirCandidates candidates;
  candidates.next_to_binary = temp_ / "empty-prefix";
  candidates.installed = temp_ / "not-installed";
  data_dir("source");  // exists, but the binary is not in its build tree
  auto found = find_shipped_policy("defender/rules.json", candidates);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().message.find("source tree"), std::string::npos);
}

TEST_F(DataDirTest, ExplicitDataDirIsUsedAlone) {
  DataDirCandidates candidates;
  candidates.from_env = temp_ / "wrong";
  candidates.next_to_binary = data_dir("prefix");
  auto found = find_shipped_policy("defender/rules.json", candidates);
  ASSERT_FALSE(found);
  EXPECT_NE(found.error().message.find("OPENCLAWD_DATA_DIR=" + (temp_ / "wrong").string()),
            std::string::npos)
      << found.error().message;

  candidates.from_env = data_dir("explicit");
  found = find_shipped_policy("defender/rules.json", candidates);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(*found, temp_ / "explicit/policies/defender/rules.json");
}

TEST_F(DataDirTest, NothingFoundNamesEveryPlaceAndTheFix) {
  DataDirCandidates candidates;
  candidates.next_to_binary = temp_ / "prefix";
  candidates.installed = temp_ / "installed";
  candidates.source_tree = temp_ / "source";
  auto found = find_shipped_policy("gogcli.json", candidates);
  ASSERT_FALSE(found);
  const std::string& message = found.error().message;
  for (const char* place : {"prefix", "installed", "source"}) {
    EXPECT_NE(message.find((temp_ / place / "policies/gogcli.json").string()), std::string::npos)
        << message;
  }
  EXPECT_NE(message.find("OPENCLAWD_DATA_DIR"), std::string::npos) << message;
  EXPECT_NE(message.find("cmake --install"), std::string::npos) << message;
}

TEST_F(DataDirTest, ThisProcessKnowsWhereItsBinaryIs) {
  const DataDirCandidates candidates = data_dir_candidates();
  EXPECT_FALSE(candidates.next_to_binary.empty());
  EXPECT_FALSE(candidates.installed.empty());
  // The test binary lives in the build tree: the source tree is a candidate.
  ASSERT_TRUE(candidates.source_tree.has_value());
  EXPECT_TRUE(std::filesystem::exists(*candidates.source_tree / "policies/defender/rules.json"));
}

}  // namespace
}  // namespace openclawd::core
