// `openclawd policy check gogcli …` through the real binary and the shipped policy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/process.hpp"
#include "common/temp_dir.hpp"

namespace {

using ::testing::HasSubstr;

openclawd::testing::CommandResult policy_check(const std::vector<std::string>& args) {
  std::vector<std::string> argv{
      openclawd::testing::openclawd_binary(),
      "policy",
      "check",
      "gogcli",
      "--policy",
      (openclawd::testing::source_dir() / "policies/gogcli.json").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return openclawd::testing::run_command(argv);
}

TEST(PolicyCheckCli, AnswersLikeTheGate) {
  const auto send = policy_check({"gog gmail send --to a@b.c --subject 'Lunch at 12'"});
  EXPECT_EQ(send.exit_code, 1);
  EXPECT_THAT(send.out, HasSubstr("deny: \"gmail send\" writes"));

  const auto search = policy_check({"gog gmail search 'Lunch at 12'"});
  EXPECT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("allow: \"gmail search\" is an allowed read verb"));
  EXPECT_THAT(search.out, HasSubstr("runs /usr/local/bin/gog gmail search 'Lunch at 12'"));

  const auto bypass = policy_check({"gog gmail search -aevil@example.com in:inbox"});
  EXPECT_EQ(bypass.exit_code, 1);
  EXPECT_THAT(bypass.out, HasSubstr("deny: flag -a is not allowed for \"gmail search\""));
  EXPECT_THAT(bypass.out, HasSubstr("refused flag -a"));
}

TEST(PolicyCheckCli, JsonOutput) {
  const auto result = policy_check({"--json", "gog docs export 1AbC --format txt"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto decision = nlohmann::json::parse(result.out);
  EXPECT_EQ(decision["decision"], "allow");
  EXPECT_EQ(decision["class"], "read");
  EXPECT_EQ(decision["args"], nlohmann::json({"docs", "export", "1AbC", "--format", "txt"}));
  EXPECT_EQ(decision["args_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(decision["flags"], nlohmann::json::parse(
                                   R"([{"name": "format", "spelling": "--format", "global": false,
                                        "value": "txt"}])"));
}

TEST(PolicyCheckCli, BadPolicyIsAConfigError) {
  openclawd::testing::TempDir dir;
  const auto file = dir.write("bad.json", R"({"gog_path": "gog"})");
  const auto result =
      openclawd::testing::run_command({openclawd::testing::openclawd_binary(), "policy", "check",
                                       "gogcli", "--policy", file.string(), "gog calendar events"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("/gog_path: expected an absolute path"));
}

}  // namespace

namespace {

TEST(PolicyImportCli, WritesAPolicyTheGateLoads) {
  const auto schema = openclawd::testing::read_file(openclawd::testing::source_dir() /
                                                    "tests/fixtures/gate/gog-schema.json");
  const auto result = openclawd::testing::run_command(
      {openclawd::testing::openclawd_binary(), "policy", "import-gog-schema", "--only", "gmail",
       "--only", "calendar events", "--gog-path", "/opt/gog/bin/gog"},
      std::chrono::seconds(30), schema);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto policy = nlohmann::json::parse(result.out);
  EXPECT_EQ(policy["gog_path"], "/opt/gog/bin/gog");
  EXPECT_TRUE(policy["commands"].contains("gmail send"));
  EXPECT_FALSE(policy["commands"].contains("docs cat"));
  EXPECT_THAT(result.err, HasSubstr("note: global: left out --account"));
  EXPECT_THAT(result.err, HasSubstr("write verbs"));

  // The written policy answers `policy check` like any other.
  openclawd::testing::TempDir dir;
  const auto file = dir.write("imported.json", result.out);
  const auto check = openclawd::testing::run_command(
      {openclawd::testing::openclawd_binary(), "policy", "check", "gogcli", "--policy",
       file.string(), "--json", "gog mail find -jzUTC --acct=x@example.com in:inbox"});
  EXPECT_EQ(check.exit_code, 1);
  const auto decision = nlohmann::json::parse(check.out);
  EXPECT_EQ(decision["refused_flag"], "--acct");
  EXPECT_EQ(decision["verb"], "search");
}

TEST(PolicyImportCli, BadSchemaIsAConfigError) {
  const auto result = openclawd::testing::run_command(
      {openclawd::testing::openclawd_binary(), "policy", "import-gog-schema"},
      std::chrono::seconds(30), "{\"schema_version\": 7}");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_THAT(result.err, HasSubstr("/schema_version"));
  EXPECT_EQ(result.out, "");
}

}  // namespace
