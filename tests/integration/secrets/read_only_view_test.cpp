// The read-only view shared with the guest, with real mounts (root): writes
// through it fail with EROFS, reads see every file, even ones written later.
#include "openclawd/secrets/read_only_view.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "common/temp_dir.hpp"
#include "openclawd/secrets/file_writer.hpp"
#include "openclawd/secrets/secrets_manager.hpp"

namespace openclawd::secrets {
namespace {

using openclawd::testing::TempDir;

class ReadOnlyViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "bind mounts need root";
  }
  // Unmount even when an assertion failed half-way.
  void TearDown() override {
    for (const auto& target : mounted_) ::umount2(target.c_str(), MNT_DETACH);
  }
  std::vector<std::filesystem::path> mounted_;
};

TEST_F(ReadOnlyViewTest, WritesFailReadsWorkAndMountingTwiceIsHarmless) {
  TempDir dir;
  const auto source = dir / "secrets";
  const auto view = dir / "view";
  std::filesystem::create_directory(source);
  ASSERT_TRUE(write_file_atomically(source / "gateway-token", "one\n", 0440).ok());
  mounted_.push_back(view);
  auto mounted = mount_read_only_view(source, view);
  ASSERT_TRUE(mounted.ok()) << mounted.error().message;

  auto state = mount_state(view);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->mounted);
  EXPECT_TRUE(state->read_only);
  EXPECT_EQ(*read_small_file(view / "gateway-token"), "one\n");

  // Even root cannot write through the view.
  int fd = ::open((view / "gateway-token").c_str(), O_WRONLY | O_TRUNC);
  EXPECT_LT(fd, 0);
  EXPECT_EQ(errno, EROFS);
  if (fd >= 0) ::close(fd);
  fd = ::open((view / "new-file").c_str(), O_WRONLY | O_CREAT, 0600);
  EXPECT_LT(fd, 0);
  EXPECT_EQ(errno, EROFS);
  if (fd >= 0) ::close(fd);
  EXPECT_NE(::unlink((view / "gateway-token").c_str()), 0);
  EXPECT_FALSE(write_file_atomically(view / "x", "y", 0440).ok());

  // A rotation on the host side shows through at once.
  ASSERT_TRUE(write_file_atomically(source / "gateway-token", "two\n", 0440).ok());
  EXPECT_EQ(*read_small_file(view / "gateway-token"), "two\n");

  // Idempotent: no second mount stacked on the first.
  ASSERT_TRUE(mount_read_only_view(source, view).ok());
  ASSERT_TRUE(unmount_view(view).ok());
  state = mount_state(view);
  ASSERT_TRUE(state.ok());
  EXPECT_FALSE(state->mounted);
  EXPECT_FALSE(std::filesystem::exists(view / "gateway-token"));
  EXPECT_TRUE(unmount_view(view).ok());  // nothing mounted: fine
}

TEST_F(ReadOnlyViewTest, AWritableMountAtTheTargetIsMadeReadOnly) {
  TempDir dir;
  const auto source = dir / "secrets";
  const auto view = dir / "view";
  std::filesystem::create_directories(source);
  std::filesystem::create_directories(view);
  mounted_.push_back(view);
  ASSERT_EQ(::mount(source.c_str(), view.c_str(), nullptr, MS_BIND, nullptr), 0);
  ASSERT_FALSE(mount_state(view)->read_only);
  ASSERT_TRUE(mount_read_only_view(source, view).ok());
  EXPECT_TRUE(mount_state(view)->read_only);
  EXPECT_TRUE(unmount_view(view).ok());
}

TEST_F(ReadOnlyViewTest, TheManagerMountsBeforeBootAndReleasesOnStop) {
  TempDir state;
  SecretsSettings settings;
  settings.state_dir = state.path();
  settings.admin_dir = state / "admin";
  settings.vms = reference_generators("/usr/local/bin/gogcli-gate");
  auto manager = SecretsManager::create(settings);
  ASSERT_TRUE(manager.ok()) << manager.error().message;
  mounted_.push_back(manager->view("gogcli"));
  mounted_.push_back(manager->view("openclaw"));
  ASSERT_TRUE(manager->prepare_for_boot("gogcli").ok());
  auto prepared = manager->prepare_for_boot("openclaw");
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  const auto share = manager->guest_share("openclaw");
  EXPECT_EQ(share, state.path() / "secrets-ro" / "openclaw");
  EXPECT_TRUE(mount_state(share)->read_only);
  const std::string token = *read_small_file(share / "gateway-token");
  EXPECT_EQ(token.size(), 45u);
  // Second boot: new token visible through the same mount.
  ASSERT_TRUE(manager->prepare_for_boot("openclaw").ok());
  EXPECT_NE(*read_small_file(share / "gateway-token"), token);
  EXPECT_EQ(manager->status()["openclaw"]["view_mounted"], true);
  ASSERT_TRUE(manager->release_all().ok());
  EXPECT_FALSE(mount_state(share)->mounted);
  EXPECT_FALSE(mount_state(manager->view("gogcli"))->mounted);
}

}  // namespace
}  // namespace openclawd::secrets
