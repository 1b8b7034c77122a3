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
}

TEST(PolicyCheckCli, JsonOutput) {
  const auto result = policy_check({"--json", "gog docs export 1AbC --format txt"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto decision = nlohmann::json::parse(result.out);
  EXPECT_EQ(decision["decision"], "allow");
  EXPECT_EQ(decision["class"], "read");
  EXPECT_EQ(decision["args"], nlohmann::json({"docs", "export", "1AbC", "--format", "txt"}));
  EXPECT_EQ(decision["args_sha256"].get<std::string>().size(), 64u);
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
