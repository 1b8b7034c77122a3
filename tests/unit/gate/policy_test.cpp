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

TEST(GatePolicy, CommandTreeFromPaths) {
  auto policy = parse_policy(testing::policy_json(), "test.json");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ(policy->enabled_commands(), "calendar,docs,gmail");
  const auto* gmail = policy->root.child("mail");  // by alias
  ASSERT_NE(gmail, nullptr);
  EXPECT_EQ(gmail->name, "gmail");
  EXPECT_FALSE(gmail->is_verb());
  const auto* search = gmail->child("messages")->child("search");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->verb_class, VerbClass::read);
  const auto* max = &gmail->child("search")->flags.at(2);
  EXPECT_EQ(max->name, "max");
  EXPECT_TRUE(max->has_long("limit"));
  EXPECT_TRUE(max->has_short('l'));
  EXPECT_FALSE(max->has_long("l"));  // one-letter aliases are shorts only
  EXPECT_EQ(policy->limits.max_args, 8u);
}

TEST(GatePolicy, ErrorsNameTheJsonPointer) {
  const std::string base = R"("gog_path": "/g", "home": "/h", )";
  EXPECT_THAT(policy_error("{"), HasSubstr("test.json: not valid JSON"));
  EXPECT_THAT(policy_error("[]"), HasSubstr("test.json: /: expected a JSON object"));
  EXPECT_THAT(policy_error(R"({"home": "/h", "commands": {"a b": {"class": "read"}}})"),
              HasSubstr("/gog_path: missing"));
  EXPECT_THAT(policy_error(testing::policy_json("/g", false, R"(, "typo": 1)")),
              HasSubstr("/typo: unknown key"));
  EXPECT_THAT(policy_error("{" + base + R"("commands": {"gmail send": {"class": "maybe"}}})"),
              HasSubstr("/commands/gmail send/class: expected \"read\" or \"write\""));
  EXPECT_THAT(policy_error("{" + base + R"("commands": {"a/b": {"class": "read"}}})"),
              HasSubstr("/commands/a~1b: a command path"));
  EXPECT_THAT(policy_error("{" + base + R"("commands": {"gmail  send": {"class": "read"}}})"),
              HasSubstr("single spaces"));
  EXPECT_THAT(policy_error(testing::policy_json("/g", false, R"(, "allow_write": "yes")")),
              HasSubstr("/allow_write: expected true or false"));
}

TEST(GatePolicy, OldDenyListFormatIsRefusedWithTheWayOut) {
  EXPECT_THAT(
      policy_error(R"({"gog_path": "/g", "home": "/h", "subcommands": {"gmail": {"search": "read"}},
                               "denied_flags": ["--account"]})"),
      HasSubstr("import-gog-schema"));
}

TEST(GatePolicy, FlagSpecsAreChecked) {
  auto with_flags = [](const std::string& flags) {
    return R"({"gog_path": "/g", "home": "/h", "commands": {"gmail search": {"class": "read", "flags": )" +
           flags + "}}}";
  };
  EXPECT_THAT(policy_error(with_flags(R"({"max": {}})")),
              HasSubstr("/flags/max/takes_value: missing"));
  EXPECT_THAT(policy_error(with_flags(R"({"--max": {"takes_value": true}})")),
              HasSubstr("/flags/--max: flag names"));
  EXPECT_THAT(policy_error(with_flags(R"({"max": {"takes_value": true, "short": "ab"}})")),
              HasSubstr("/flags/max/short"));
  EXPECT_THAT(policy_error(with_flags(R"({"max": {"takes_value": true, "negatable": true}})")),
              HasSubstr("/flags/max/negatable"));
  EXPECT_THAT(policy_error(with_flags(R"({"all": {"takes_value": false, "enum": ["x"]}})")),
              HasSubstr("/flags/all/enum: constraints apply"));
  EXPECT_THAT(policy_error(with_flags(R"({"max": {"takes_value": true, "pattern": "("}})")),
              HasSubstr("/flags/max/pattern: not a valid RE2 pattern"));
  EXPECT_THAT(policy_error(with_flags(R"({"max": {"takes_value": true, "aliases": ["limit"]},
                                          "limit": {"takes_value": true}})")),
              HasSubstr("--limit already names another flag"));
  EXPECT_THAT(policy_error(with_flags(R"({"max": {"takes_value": true, "short": "j"},
                                          "json": {"takes_value": false, "aliases": ["j"]}})")),
              HasSubstr("-j already names another flag"));
  // A verb flag may not reuse a global flag's spelling.
  EXPECT_THAT(policy_error(R"({"gog_path": "/g", "home": "/h",
      "global_flags": {"json": {"takes_value": false, "short": "j"}},
      "commands": {"gmail search": {"class": "read", "flags": {"jump": {"takes_value": true, "short": "j"}}}}})"),
              HasSubstr("/commands/gmail search/flags/jump: -j already names"));
}

TEST(GatePolicy, CommandTreeIsChecked) {
  const std::string base = R"({"gog_path": "/g", "home": "/h", "commands": )";
  EXPECT_THAT(
      policy_error(base + R"({"gmail": {"class": "read"}, "gmail search": {"class": "read"}}})"),
      HasSubstr("/commands/gmail: is a verb and also has commands under it"));
  EXPECT_THAT(policy_error(base + R"({"gmail": {"aliases": ["mail"]}}})"),
              HasSubstr("/commands/gmail: a group without any verb"));
  EXPECT_THAT(policy_error(base + R"({"gmail search": {"class": "read", "aliases": ["get"]},
                                      "gmail get": {"class": "read"}}})"),
              HasSubstr("/commands/gmail search/aliases: alias \"get\""));
  EXPECT_THAT(
      policy_error(base + R"({"gmail": {"flags": {}}, "gmail search": {"class": "read"}}})"),
      HasSubstr("/commands/gmail/flags: only a verb"));
}

TEST(GatePolicy, RejectsBadLimitsAndEnvironment) {
  auto with = [](const std::string& body) {
    return R"({"gog_path": "/g", "home": "/h", "commands": {"a b": {"class": "read"}}, )" + body +
           "}";
  };
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
