#include "openclawd/secrets/file_writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/temp_dir.hpp"

namespace openclawd::secrets {
namespace {

using openclawd::testing::TempDir;

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

ino_t inode_of(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_ino;
}

TEST(WriteFileAtomically, WritesContentWithTheRequestedMode) {
  TempDir dir;
  auto path = dir / "gateway-token";
  ASSERT_TRUE(write_file_atomically(path, "abc\n", 0440).ok());
  EXPECT_EQ(mode_of(path), 0440u);
  EXPECT_EQ(*read_small_file(path), "abc\n");
  ASSERT_TRUE(write_file_atomically(dir / "key", "k", 0400).ok());
  EXPECT_EQ(mode_of(dir / "key"), 0400u);
}

TEST(WriteFileAtomically, ReplacesByRenameAndLeavesNoTemporaryFiles) {
  TempDir dir;
  auto path = dir / "secret";
  ASSERT_TRUE(write_file_atomically(path, "old", 0440).ok());
  // A reader that opened the old file keeps reading the old content: the new
  // file is a different inode renamed over it, never a rewrite in place.
  int reader = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(reader, 0);
  const ino_t before = inode_of(path);
  ASSERT_TRUE(write_file_atomically(path, "new content", 0440).ok());
  EXPECT_NE(inode_of(path), before);
  char buffer[16] = {};
  EXPECT_EQ(::read(reader, buffer, sizeof buffer), 3);
  EXPECT_EQ(std::string(buffer, 3), "old");
  ::close(reader);
  EXPECT_EQ(*read_small_file(path), "new content");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename(), "secret");
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(WriteFileAtomically, SetsOwnerAndGroupWhenRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "chown needs root";
  TempDir dir;
  auto owner = resolve_ownership("65534", "65534");
  ASSERT_TRUE(owner.ok());
  auto path = dir / "s";
  ASSERT_TRUE(write_file_atomically(path, "x", 0440, *owner).ok());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 65534u);
  EXPECT_EQ(info.st_gid, 65534u);
}

TEST(WriteFileAtomically, FailsWithThePathWhenTheDirectoryIsMissing) {
  TempDir dir;
  auto status = write_file_atomically(dir / "missing" / "token", "secret-value", 0440);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("missing"), std::string::npos);
  EXPECT_EQ(status.error().message.find("secret-value"), std::string::npos);
}

TEST(EnsureDirectory, ForcesTheModeOfAnExistingDirectory) {
  TempDir dir;
  auto path = dir / "vm";
  std::filesystem::create_directory(path);
  ::chmod(path.c_str(), 0777);
  ASSERT_TRUE(ensure_directory(path, 0750).ok());
  EXPECT_EQ(mode_of(path), 0750u);
}

TEST(EnsureDirectory, RefusesASymlink) {
  TempDir dir;
  std::filesystem::create_directory(dir / "elsewhere");
  std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "vm");
  auto status = ensure_directory(dir / "vm", 0750);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("not a directory"), std::string::npos);
}

TEST(ResolveOwnership, NamesAndNumbers) {
  auto root = resolve_ownership("root", "root");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->uid, 0u);
  EXPECT_EQ(root->gid, 0u);
  auto numbers = resolve_ownership("1234", "");
  ASSERT_TRUE(numbers.ok());
  EXPECT_EQ(numbers->uid, 1234u);
  EXPECT_EQ(numbers->gid, static_cast<gid_t>(-1));
  auto unknown = resolve_ownership("no-such-user-openclawd", "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no-such-user-openclawd"), std::string::npos);
}

}  // namespace
}  // namespace openclawd::secrets
