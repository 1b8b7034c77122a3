// The reference deployment's secrets, made in a temporary state_dir (no mounts:
// the read-only view has its own integration test).
#include "openclawd/secrets/secrets_manager.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "openclawd/secrets/ssh_key.hpp"

namespace openclawd::secrets {
namespace {

using openclawd::testing::run_command;
using openclawd::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kGate = "/usr/local/bin/gogcli-gate";

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

std::string read(const std::filesystem::path& path) {
  auto content = read_small_file(path);
  EXPECT_TRUE(content.ok()) << path;
  return content.ok() ? *content : "";
}

class SecretsManagerTest : public ::testing::Test {
 protected:
  SecretsSettings settings() const {
    SecretsSettings s;
    s.state_dir = state.path();
    s.admin_dir = admin.path();
    s.read_only_view = false;
    s.vms = reference_generators(kGate);
    return s;
  }
  SecretsManager make() const {
    auto manager = SecretsManager::create(settings());
    EXPECT_TRUE(manager.ok()) << manager.error().message;
    return std::move(manager).value();
  }
  TempDir state;
  TempDir admin;
};

TEST_F(SecretsManagerTest, StagesTheReferenceSecretsWithTightModes) {
  admin.write("openrouter-api-key", "sk-or-v1-abc\n");
  admin.write("brave-api-key", "BSA123\r\n");
  admin.write("keyring-password", "hunter2\n");
  auto manager = make();
  ASSERT_TRUE(manager.prepare_for_boot("gogcli").ok());
  ASSERT_TRUE(manager.prepare_for_boot("openclaw").ok());

  const auto gogcli = manager.directory("gogcli");
  const auto openclaw = manager.directory("openclaw");
  EXPECT_EQ(gogcli, state.path() / "secrets" / "gogcli");
  EXPECT_EQ(manager.guest_share("openclaw"), openclaw);  // view disabled here
  EXPECT_EQ(mode_of(gogcli), 0750u);
  EXPECT_EQ(mode_of(openclaw), 0750u);
  EXPECT_EQ(mode_of(gogcli / "authorized-keys"), 0440u);
  EXPECT_EQ(mode_of(gogcli / "keyring-password"), 0440u);
  EXPECT_EQ(mode_of(openclaw / "gateway-token"), 0440u);
  EXPECT_EQ(mode_of(openclaw / "gateway-env"), 0440u);
  EXPECT_EQ(mode_of(openclaw / "gogcli-ssh-key"), 0400u);
  EXPECT_EQ(mode_of(manager.key_store("gogcli") / "ssh-key"), 0400u);
  EXPECT_EQ(mode_of(manager.key_store("gogcli")), 0700u);
  // The key pair itself is never in a directory a guest sees.
  EXPECT_FALSE(std::filesystem::exists(gogcli / "ssh-key"));
  EXPECT_EQ(read(gogcli / "keyring-password"), "hunter2\n");
  EXPECT_FALSE(std::filesystem::exists(openclaw / "hf-token"));  // admin did not place it

  const std::string token = read(openclaw / "gateway-token");
  ASSERT_EQ(token.size(), 45u);
  EXPECT_EQ(token.back(), '\n');
  const std::string defender = read(openclaw / "defender-token");
  EXPECT_NE(defender, token);

  const std::string env = read(openclaw / "gateway-env");
  EXPECT_EQ(env,
            "OPENROUTER_API_KEY=sk-or-v1-abc\nBRAVE_API_KEY=BSA123\n"
            "OPENCLAW_GATEWAY_TOKEN=" +
                token.substr(0, 44) + "\nDEFENDER_API_TOKEN=" + defender.substr(0, 44) +
                "\nDEFENDER_PROTECTED_FILES=openclaw.json\nDEFENDER_WATCH_FILES=openclaw.json\n");
}

TEST_F(SecretsManagerTest, TheCopiedKeyMatchesAuthorizedKeysAndOpenSshReadsBoth) {
  auto manager = make();
  ASSERT_TRUE(manager.prepare_for_boot("gogcli").ok());
  ASSERT_TRUE(manager.prepare_for_boot("openclaw").ok());
  const auto copy = manager.directory("openclaw") / "gogcli-ssh-key";
  const auto authorized = manager.directory("gogcli") / "authorized-keys";
  auto derived = run_command({"ssh-keygen", "-y", "-f", copy.string()});
  ASSERT_EQ(derived.exit_code, 0) << derived.err;
  const std::string line = read(authorized);
  EXPECT_THAT(line,
              ::testing::StartsWith("command=\"/usr/local/bin/gogcli-gate\",no-port-forwarding,"
                                    "no-X11-forwarding,no-agent-forwarding,no-pty ssh-ed25519 "));
  EXPECT_EQ(line.substr(line.find("ssh-ed25519")), derived.out);
  // ssh-keygen parses authorized_keys lines, options included.
  auto listed = run_command({"ssh-keygen", "-l", "-f", authorized.string()});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
}

TEST_F(SecretsManagerTest, GatewayTokenIsNewOnEveryBootAndTheKeyIsKept) {
  auto manager = make();
  ASSERT_TRUE(manager.prepare_for_boot("gogcli").ok());
  ASSERT_TRUE(manager.prepare_for_boot("openclaw").ok());
  const auto dir = manager.directory("openclaw");
  const std::string token1 = read(dir / "gateway-token");
  const std::string key1 = read(dir / "gogcli-ssh-key");
  const std::string authorized1 = read(manager.directory("gogcli") / "authorized-keys");
  ASSERT_TRUE(manager.prepare_for_boot("gogcli").ok());
  ASSERT_TRUE(manager.prepare_for_boot("openclaw").ok());
  const std::string token2 = read(dir / "gateway-token");
  EXPECT_NE(token1, token2);
  EXPECT_EQ(token2.size(), 45u);
  EXPECT_THAT(read(dir / "gateway-env"), HasSubstr("OPENCLAW_GATEWAY_TOKEN=" + token2));
  EXPECT_EQ(read(dir / "gogcli-ssh-key"), key1);
  EXPECT_EQ(read(manager.directory("gogcli") / "authorized-keys"), authorized1);
  // A new manager (daemon restart) keeps the key too.
  auto again = make();
  ASSERT_TRUE(again.prepare_for_boot("openclaw").ok());
  EXPECT_EQ(read(dir / "gogcli-ssh-key"), key1);
}

TEST_F(SecretsManagerTest, RotateOneSecretRenewsItAndWhatDependsOnIt) {
  auto manager = make();
  ASSERT_TRUE(manager.prepare_for_boot("gogcli").ok());
  ASSERT_TRUE(manager.prepare_for_boot("openclaw").ok());
  const auto dir = manager.directory("openclaw");
  const std::string token = read(dir / "gateway-token");
  const std::string defender = read(dir / "defender-token");
  ASSERT_TRUE(manager.rotate("openclaw", "gateway-token").ok());
  EXPECT_NE(read(dir / "gateway-token"), token);
  EXPECT_EQ(read(dir / "defender-token"), defender);
  EXPECT_THAT(read(dir / "gateway-env"), HasSubstr(read(dir / "gateway-token")));

  // Rotating the SSH key updates the copy held by openclaw at once.
  const std::string key = read(dir / "gogcli-ssh-key");
  const std::string authorized = read(manager.directory("gogcli") / "authorized-keys");
  ASSERT_TRUE(manager.rotate("gogcli", "authorized-keys").ok());
  EXPECT_NE(read(dir / "gogcli-ssh-key"), key);
  EXPECT_NE(read(manager.directory("gogcli") / "authorized-keys"), authorized);
  auto derived = run_command({"ssh-keygen", "-y", "-f", (dir / "gogcli-ssh-key").string()});
  ASSERT_EQ(derived.exit_code, 0);
  EXPECT_THAT(read(manager.directory("gogcli") / "authorized-keys"), HasSubstr(derived.out));
}

TEST_F(SecretsManagerTest, RotateNamesTheKnownSecretsForAnUnknownOne) {
  auto manager = make();
  auto status = manager.rotate("openclaw", "nope");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("gateway-token"));
  EXPECT_FALSE(manager.rotate("no-such-vm", std::nullopt).ok());
  EXPECT_FALSE(manager.prepare_for_boot("no-such-vm").ok());
}

TEST_F(SecretsManagerTest, AMultiLineAdminValueStopsTheBootWithoutShowingIt) {
  admin.write("discord-bot-token", "SECRETVALUE\nEVIL=1\n");
  auto manager = make();
  ASSERT_TRUE(manager.prepare_for_boot("gogcli").ok());
  auto status = manager.prepare_for_boot("openclaw");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("DISCORD_BOT_TOKEN"));
  EXPECT_THAT(status.error().message, HasSubstr("discord-bot-token"));
  EXPECT_THAT(status.error().message, Not(HasSubstr("SECRETVALUE")));
  EXPECT_FALSE(std::filesystem::exists(manager.directory("openclaw") / "gateway-env"));
}

TEST_F(SecretsManagerTest, StatusShowsNamesAndModesButNoValues) {
  admin.write("openrouter-api-key", "sk-visible-nowhere\n");
  auto manager = make();
  ASSERT_TRUE(manager.prepare_for_boot("gogcli").ok());
  ASSERT_TRUE(manager.prepare_for_boot("openclaw").ok());
  const std::string dump = manager.status().dump();
  EXPECT_THAT(dump, HasSubstr("gateway-token"));
  EXPECT_THAT(dump, HasSubstr("0440"));
  EXPECT_THAT(dump, Not(HasSubstr("sk-visible-nowhere")));
  EXPECT_THAT(dump,
              Not(HasSubstr(read(manager.directory("openclaw") / "gateway-token").substr(0, 44))));
}

TEST(SecretsSettingsValidation, RejectsBrokenSettingsBeforeTouchingAnything) {
  TempDir state;
  auto with = [&](std::vector<VmSecretsSettings> vms) {
    SecretsSettings s;
    s.state_dir = state.path();
    s.read_only_view = false;
    s.vms = std::move(vms);
    return SecretsManager::create(s);
  };
  auto missing_owner = with({{"openclaw", {SshKeyCopyGenerator{"k", "gogcli", 0400}}}});
  ASSERT_FALSE(missing_owner.ok());
  EXPECT_THAT(missing_owner.error().message, HasSubstr("gogcli"));
  EXPECT_FALSE(with({{"vm", {TokenGenerator{"../escape", 32, true}}}}).ok());
  EXPECT_FALSE(with({{"vm", {TokenGenerator{"a", 32, true}, TokenGenerator{"a", 16, true}}}}).ok());
  EXPECT_FALSE(with({{"a/b", {}}}).ok());
  EXPECT_FALSE(with({{"vm", {SshKeyGenerator{"authorized-keys", "c", "relative"}}}}).ok());
  EnvFileGenerator env;
  env.from_secrets = {{"TOKEN", "gateway-token"}};
  EXPECT_FALSE(with({{"vm", {env}}}).ok());  // token not listed before the env file
  EXPECT_FALSE(with({{"vm", {AdminFileCopy{"x", "../etc/shadow", false}}}}).ok());
  SecretsSettings bad_owner;
  bad_owner.owner = "no-such-user-openclawd";
  EXPECT_FALSE(SecretsManager::create(bad_owner).ok());
  EXPECT_TRUE(std::filesystem::is_empty(state.path()));
}

}  // namespace
}  // namespace openclawd::secrets
