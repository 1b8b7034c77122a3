// The key files are checked with the real OpenSSH tools: ssh-keygen must load
// the private key and derive the same public key line from it.
#include "openclawd/secrets/ssh_key.hpp"

#include <gtest/gtest.h>

#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "openclawd/secrets/file_writer.hpp"

namespace openclawd::secrets {
namespace {

using openclawd::testing::run_command;
using openclawd::testing::TempDir;

TEST(SshKey, KeysDiffer) {
  auto a = generate_ed25519_key();
  auto b = generate_ed25519_key();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->seed, b->seed);
  EXPECT_NE(a->public_key, b->public_key);
}

TEST(SshKey, SshKeygenAcceptsThePrivateKeyAndDerivesTheSamePublicKey) {
  TempDir dir;
  auto key = generate_ed25519_key();
  ASSERT_TRUE(key.ok());
  const auto path = dir / "ssh-key";
  ASSERT_TRUE(
      write_file_atomically(path, openssh_private_key(*key, "openclaw-to-gogcli", 0x12345678), 0600)
          .ok());
  const std::string public_line = openssh_public_key_line(*key, "openclaw-to-gogcli");

  auto fingerprint = run_command({"ssh-keygen", "-l", "-f", path.string()});
  ASSERT_EQ(fingerprint.exit_code, 0) << fingerprint.err;
  EXPECT_NE(fingerprint.out.find("256 SHA256:"), std::string::npos) << fingerprint.out;
  EXPECT_NE(fingerprint.out.find("openclaw-to-gogcli (ED25519)"), std::string::npos)
      << fingerprint.out;

  auto derived = run_command({"ssh-keygen", "-y", "-f", path.string()});
  ASSERT_EQ(derived.exit_code, 0) << derived.err;
  EXPECT_EQ(derived.out, public_line + "\n");

  // ssh-keygen accepts our public line too, with the same fingerprint.
  const auto public_path = dir.write("ssh-key.pub", public_line + "\n");
  auto public_fingerprint = run_command({"ssh-keygen", "-l", "-f", public_path.string()});
  ASSERT_EQ(public_fingerprint.exit_code, 0) << public_fingerprint.err;
  EXPECT_EQ(public_fingerprint.out, fingerprint.out);
}

TEST(SshKey, ReadsAKeyMadeBySshKeygen) {
  TempDir dir;
  const auto path = dir / "made-by-openssh";
  auto made = run_command(
      {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "from-openssh", "-f", path.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string comment;
  auto key = parse_openssh_private_key(*read_small_file(path), &comment);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(comment, "from-openssh");
  EXPECT_EQ(openssh_public_key_line(*key, comment) + "\n",
            *read_small_file(path.string() + ".pub"));
}

TEST(SshKey, RoundTripsThroughTheParser) {
  auto key = generate_ed25519_key();
  ASSERT_TRUE(key.ok());
  std::string comment;
  auto parsed = parse_openssh_private_key(openssh_private_key(*key, "c", 7), &comment);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->seed, key->seed);
  EXPECT_EQ(parsed->public_key, key->public_key);
  EXPECT_EQ(comment, "c");
}

TEST(SshKey, RejectsGarbageAndEncryptedKeys) {
  EXPECT_FALSE(parse_openssh_private_key("").ok());
  EXPECT_FALSE(parse_openssh_private_key(
                   "-----BEGIN OPENSSH PRIVATE KEY-----\n!!!\n-----END OPENSSH PRIVATE KEY-----\n")
                   .ok());
  TempDir dir;
  const auto path = dir / "encrypted";
  auto made =
      run_command({"ssh-keygen", "-q", "-t", "ed25519", "-N", "passphrase", "-f", path.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto parsed = parse_openssh_private_key(*read_small_file(path));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("encrypted"), std::string::npos);
}

TEST(AuthorizedKeys, ForcesTheGateCommandAndForbidsForwarding) {
  auto key = generate_ed25519_key();
  ASSERT_TRUE(key.ok());
  auto line = authorized_keys_line(*key, "openclaw-to-gogcli", "/usr/local/bin/gogcli-gate");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(*line,
            "command=\"/usr/local/bin/gogcli-gate\",no-port-forwarding,no-X11-forwarding,"
            "no-agent-forwarding,no-pty " +
                openssh_public_key_line(*key, "openclaw-to-gogcli"));
  EXPECT_FALSE(authorized_keys_line(*key, "c", "relative/gate").ok());
  EXPECT_FALSE(authorized_keys_line(*key, "c", "/gate\" evil").ok());
  EXPECT_FALSE(authorized_keys_line(*key, "c", "/gate\nssh-ed25519 x").ok());
}

}  // namespace
}  // namespace openclawd::secrets
