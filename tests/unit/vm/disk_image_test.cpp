#include "openclawd/vm/disk_image.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "common/temp_dir.hpp"

namespace openclawd::vm {
namespace {

TEST(DiskImage, CreatesSparseExt4Image) {
  openclawd::testing::TempDir dir;
  config::DiskConfig disk{dir / "persist.img", 64, "ext4"};
  auto made = ensure_disk_image(disk);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(*made, DiskAction::created);
  struct stat info {};
  ASSERT_EQ(::stat(disk.path.c_str(), &info), 0);
  EXPECT_EQ(info.st_size, 64 * 1024 * 1024);
  EXPECT_LT(info.st_blocks * 512, info.st_size) << "image should be sparse";
  // ext4 superblock magic 0xEF53 at offset 1024 + 56.
  std::ifstream image(disk.path, std::ios::binary);
  image.seekg(1024 + 56);
  unsigned char magic[2] = {};
  image.read(reinterpret_cast<char*>(magic), 2);
  EXPECT_EQ(magic[0], 0x53);
  EXPECT_EQ(magic[1], 0xEF);
}

TEST(DiskImage, NeverOverwritesAnExistingImage) {
  openclawd::testing::TempDir dir;
  auto path = dir.write("persist.img", "precious data");
  auto made = ensure_disk_image({path, 64, "ext4"});
  ASSERT_TRUE(made);
  EXPECT_EQ(*made, DiskAction::existed);
  std::ifstream file(path);
  std::string content((std::istreambuf_iterator<char>(file)), {});
  EXPECT_EQ(content, "precious data");
}

TEST(DiskImage, MissingDirectoryIsNamed) {
  auto made = ensure_disk_image({"/nonexistent-openclawd-dir/persist.img", 64, "ext4"});
  ASSERT_FALSE(made);
  EXPECT_NE(made.error().message.find("/nonexistent-openclawd-dir/persist.img"), std::string::npos);
}

}  // namespace
}  // namespace openclawd::vm
