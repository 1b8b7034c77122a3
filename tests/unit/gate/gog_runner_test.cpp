// The exec path with a stand-in gog (tests/fixtures/gate/echo-gog) that echoes
// its argv: proves the argv arrives exactly and the environment is the clean
// one the policy builds, through the real openclawd-gate binary.
#include "openclawd/gate/gog_runner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "gate_test_policy.hpp"

namespace openclawd::gate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string echo_gog() {
  return (openclawd::testing::source_dir() / "tests/fixtures/gate/echo-gog").string();
}

std::vector<std::string> nul_separated(const std::string& out) {
  std::vector<std::string> args;
  std::size_t start = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\0') {
      args.push_back(out.substr(start, i - start));
      start = i + 1;
    }
  }
  return args;
}

class GateBinary : public ::testing::Test {
 protected:
  void write_policy(bool allow_write = false) {
    secret_ = dir_.write("keyring-password", "hunter2\n");
    policy_ = dir_.write("gogcli.json",
                         testing::policy_json(echo_gog(), allow_write,
                                              R"(, "environment": {"GOG_KEYRING_BACKEND": "file"},
  "secret_environment": {"GOG_KEYRING_PASSWORD": ")" +
                                                  secret_.string() + "\"}"));
  }
  openclawd::testing::CommandResult gate(const std::string& original_command,
                                         std::map<std::string, std::string> env = {}) {
    env["SSH_ORIGINAL_COMMAND"] = original_command;
    return openclawd::testing::run_command({OPENCLAWD_GATE_BINARY, "--policy", policy_.string()},
                                           std::chrono::seconds(20), "", env);
  }

  openclawd::testing::TempDir dir_;
  std::filesystem::path policy_, secret_;
};

TEST(GogRunner, EnvironmentIsBuiltFromThePolicyOnly) {
  openclawd::testing::TempDir dir;
  auto secret = dir.write("pw", "s3cret\n");
  auto policy = parse_policy(testing::policy_json("/g", false,
                                                  R"(, "environment": {"A": "1"},
    "secret_environment": {"GOG_KEYRING_PASSWORD": ")" +
                                                      secret.string() + "\"}"),
                             "t");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  auto env = build_environment(*policy);
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->at("GOG_JSON"), "1");
  EXPECT_EQ(env->at("GOG_ENABLE_COMMANDS"), "calendar,docs,gmail");
  EXPECT_EQ(env->at("GOG_KEYRING_PASSWORD"), "s3cret");
  EXPECT_EQ(env->at("HOME"), "/persist/gogcli");
  EXPECT_EQ(env->at("A"), "1");
  EXPECT_EQ(env->size(), 6u);

  std::filesystem::remove(secret);
  auto missing = build_environment(*policy);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr(secret.string()));
}

TEST(GogRunner, MissingGogIsAnError) {
  auto policy = parse_policy(testing::policy_json("/nonexistent/gog"), "t");
  ASSERT_TRUE(policy.ok());
  auto status = run_gog(*policy, {"gmail", "search", "x"});
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("cannot execute /nonexistent/gog"));
}

TEST_F(GateBinary, AllowedCallArrivesWithExactArgv) {
  write_policy();
  const auto result = gate(
      R"(gog gmail search 'Lunch at 12' "say \"hi\"" '' Grüße\ 🙂 'multi
line' --max=5)");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(nul_separated(result.out), ElementsAre("gmail", "search", "Lunch at 12", "say \"hi\"",
                                                     "", "Grüße 🙂", "multi\nline", "--max=5"));
}

TEST_F(GateBinary, GogSeesOnlyTheCleanEnvironment) {
  write_policy();
  const auto result =
      gate("gog calendar events", {{"GOG_ACCOUNT", "attacker@example.com"}, {"LEAK_ME", "1"}});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("GOG_JSON=1\n"));
  EXPECT_THAT(result.err, HasSubstr("GOG_ENABLE_COMMANDS=calendar,docs,gmail\n"));
  EXPECT_THAT(result.err, HasSubstr("GOG_KEYRING_PASSWORD=hunter2\n"));
  EXPECT_THAT(result.err, HasSubstr("GOG_KEYRING_BACKEND=file\n"));
  EXPECT_THAT(result.err, HasSubstr("HOME=/persist/gogcli\n"));
  EXPECT_THAT(result.err, Not(HasSubstr("GOG_ACCOUNT")));
  EXPECT_THAT(result.err, Not(HasSubstr("LEAK_ME")));
  EXPECT_THAT(result.err, Not(HasSubstr("SSH_ORIGINAL_COMMAND")));
}

TEST_F(GateBinary, ExitStatusOfGogIsPassedOn) {
  write_policy();
  EXPECT_EQ(gate("gog gmail search exit-7").exit_code, 7);
}

TEST_F(GateBinary, DeniedCallsRunNothing) {
  write_policy();
  for (const char* command :
       {"gog gmail send --to a@b.c --subject Hi", "sh", "gog calendar events; cat /etc/passwd",
        "gog calendar events $(id)", ""}) {
    SCOPED_TRACE(command);
    const auto result = gate(command);
    EXPECT_EQ(result.exit_code, 126);
    EXPECT_EQ(result.out, "");  // the stand-in never ran
    EXPECT_THAT(result.err, HasSubstr("gogcli gate: denied:"));
  }
}

TEST_F(GateBinary, WritesRunWhenThePolicyAllowsThem) {
  write_policy(true);
  const auto result = gate("gog gmail send --to a@b.c --subject 'Lunch at 12'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(nul_separated(result.out),
              ElementsAre("gmail", "send", "--to", "a@b.c", "--subject", "Lunch at 12"));
}

TEST_F(GateBinary, BadPolicyRunsNothing) {
  policy_ = dir_.write("gogcli.json", "{ not json");
  const auto result = gate("gog calendar events");
  EXPECT_EQ(result.exit_code, 125);
  EXPECT_EQ(result.out, "");
}

}  // namespace
}  // namespace openclawd::gate
