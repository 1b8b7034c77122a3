#include "openclawd/gate/policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/temp_dir.hpp"
#include "gate_test_policy.hpp"

namespace openclawd::gate {
namespace {

using ::testing::HasSubstr;

std::string policy_error(const std::string& json) {
  auto policy = parse_policy(json, "test.json");
  EXPECT_FALSE(policy.ok()) << json;
  return policy.ok() ? "" : policy.error().message;
}

TEST(GatePolicy, ShippedPolicyLoadsAndIsReadOnly) {
  auto policy = load_policy(openclawd::testing::source_dir() / "policies" / "gogcli.json");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_FALSE(policy->allow_write);
  EXPECT_EQ(policy->gog_path, "/usr/local/bin/gog");
  EXPECT_EQ(policy->enabled_commands(), "calendar,contacts,docs,drive,gmail,sheets,tasks");
  EXPECT_EQ(policy->secret_environment.at("GOG_KEYRING_PASSWORD"), "/run/secrets/keyring-password");
}

TEST(GatePolicy, MultiWordVerbsComeFirst) {
  auto policy = parse_policy(testing::policy_json(), "test.json");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  const auto& gmail = policy->subcommands.at(2);
  ASSERT_EQ(gmail.name, "gmail");
  EXPECT_EQ(gmail.verbs.front().words.size(), 2u);
  EXPECT_EQ(policy->limits.max_args, 8u);
}

TEST(GatePolicy, ErrorsNameTheJsonPointer) {
  EXPECT_THAT(policy_error("{"), HasSubstr("test.json: not valid JSON"));
  EXPECT_THAT(policy_error("[]"), HasSubstr("test.json: /: expected a JSON object"));
  EXPECT_THAT(policy_error(R"({"home": "/h", "subcommands": {"a": {"b": "read"}}})"),
              HasSubstr("/gog_path: missing"));
  EXPECT_THAT(
      policy_error(R"({"gog_path": "gog", "home": "/h", "subcommands": {"a": {"b": "read"}}})"),
      HasSubstr("/gog_path: expected an absolute path"));
  EXPECT_THAT(policy_error(testing::policy_json("/g", false, R"(, "typo": 1)")),
              HasSubstr("/typo: unknown key"));
  EXPECT_THAT(
      policy_error(
          R"({"gog_path": "/g", "home": "/h", "subcommands": {"gmail": {"send": "maybe"}}})"),
      HasSubstr("/subcommands/gmail/send: expected \"read\" or \"write\""));
  EXPECT_THAT(
      policy_error(R"({"gog_path": "/g", "home": "/h", "subcommands": {"a/b": {"x": "read"}}})"),
      HasSubstr("/subcommands/a~1b: subcommand names"));
  EXPECT_THAT(policy_error(R"({"gog_path": "/g", "home": "/h", "subcommands": {"gmail": {}}})"),
              HasSubstr("/subcommands/gmail: expected an object of verbs"));
  EXPECT_THAT(policy_error(testing::policy_json("/g", false, R"(, "allow_write": "yes")")),
              HasSubstr("/allow_write: expected true or false"));
}

TEST(GatePolicy, RejectsBadFlagsLimitsAndEnvironment) {
  auto with = [](const std::string& body) {
    return R"({"gog_path": "/g", "home": "/h", "subcommands": {"a": {"b": "read"}}, )" + body + "}";
  };
  EXPECT_THAT(policy_error(with(R"("denied_flags": ["account"])")), HasSubstr("/denied_flags/0"));
  EXPECT_THAT(policy_error(with(R"("denied_flags": "--x")")),
              HasSubstr("/denied_flags: expected an array"));
  EXPECT_THAT(policy_error(with(R"("limits": {"max_args": 0})")), HasSubstr("/limits/max_args"));
  EXPECT_THAT(policy_error(with(R"("limits": {"max_args": -3})")), HasSubstr("/limits/max_args"));
  EXPECT_THAT(policy_error(with(R"("limits": {"max_argz": 3})")),
              HasSubstr("/limits/max_argz: unknown key"));
  EXPECT_THAT(policy_error(with(R"("environment": {"PATH": "/tmp"})")),
              HasSubstr("/environment/PATH: set by the gate"));
  EXPECT_THAT(policy_error(with(R"("environment": {"bad name": "x"})")),
              HasSubstr("/environment/bad name: variable names"));
  EXPECT_THAT(policy_error(with(R"("secret_environment": {"K": "relative"})")),
              HasSubstr("/secret_environment/K: expected an absolute path"));
}

// Found by gate_policy_fuzzer: an out-of-range number used to escape as an
// uncaught nlohmann::out_of_range and abort the gate.
TEST(GatePolicy, NumberTooLargeForJsonIsAnErrorNotACrash) {
  EXPECT_THAT(policy_error("{\"limits\": 66666666e6666666666666666666}"),
              HasSubstr("test.json: not valid JSON"));
}

TEST(GatePolicy, MissingFileSaysWhich) {
  auto policy = load_policy("/nonexistent/gogcli.json");
  ASSERT_FALSE(policy.ok());
  EXPECT_THAT(policy.error().message, HasSubstr("/nonexistent/gogcli.json: cannot read"));
}

}  // namespace
}  // namespace openclawd::gate
