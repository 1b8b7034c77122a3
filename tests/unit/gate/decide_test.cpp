#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate_test_policy.hpp"
#include "openclawd/gate/decision.hpp"
#include "openclawd/gate/decision_log.hpp"

namespace openclawd::gate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

Policy make_policy(bool allow_write = false) {
  auto policy = parse_policy(testing::policy_json("/usr/local/bin/gog", allow_write), "test.json");
  EXPECT_TRUE(policy.ok()) << (policy.ok() ? "" : policy.error().message);
  return policy.ok() ? *policy : Policy{};
}

TEST(GateDecision, ReadVerbsAreAllowedWithArgumentsIntact) {
  const auto d = decide(make_policy(), "gog gmail search 'from:boss subject:\"Lunch at 12\"'");
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_EQ(d.subcommand, "gmail");
  EXPECT_EQ(d.verb, "search");
  EXPECT_EQ(d.verb_class, VerbClass::read);
  EXPECT_THAT(d.args, ElementsAre("gmail", "search", "from:boss subject:\"Lunch at 12\""));
}

TEST(GateDecision, LeadingGogIsOptional) {
  const auto d = decide(make_policy(), "calendar events --days 3");
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_THAT(d.args, ElementsAre("calendar", "events", "--days", "3"));
}

TEST(GateDecision, MultiWordVerbMatchesLongest) {
  const auto d = decide(make_policy(), "gog gmail messages search in:inbox");
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_EQ(d.verb, "messages search");
  EXPECT_FALSE(decide(make_policy(), "gog gmail messages delete x").allowed);
}

TEST(GateDecision, DocsIsAllowedAsTheToolPolicySays) {
  EXPECT_TRUE(decide(make_policy(), "gog docs cat 1AbC").allowed);
  EXPECT_TRUE(decide(make_policy(), "gog docs export 1AbC --format txt").allowed);
}

TEST(GateDecision, WritesAreDeniedByDefault) {
  for (const char* command :
       {"gog gmail send --to a@b.c --subject 'Hi there'", "gog gmail drafts create --to a@b.c",
        "gog calendar create x", "gog calendar update x"}) {
    SCOPED_TRACE(command);
    const auto d = decide(make_policy(), command);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.verb_class, VerbClass::write);
    EXPECT_THAT(d.reason, HasSubstr("allows reads only"));
  }
}

TEST(GateDecision, WritesAreAllowedWhenThePolicySaysSo) {
  const auto d = decide(make_policy(true), "gog gmail send --to a@b.c --subject 'Hi there'");
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_EQ(d.verb_class, VerbClass::write);
}

TEST(GateDecision, UnknownCommandsAndVerbsAreDenied) {
  EXPECT_THAT(decide(make_policy(), "gog auth list").reason,
              HasSubstr("command \"auth\" is not allowed"));
  EXPECT_THAT(decide(make_policy(), "sh").reason, HasSubstr("command \"sh\" is not allowed"));
  EXPECT_THAT(decide(make_policy(), "gog gmail").reason, HasSubstr("not a verb"));
  EXPECT_THAT(decide(make_policy(), "gog gmail delete 1").reason, HasSubstr("gmail search"));
  EXPECT_THAT(decide(make_policy(), "").reason, HasSubstr("no gog command"));
  EXPECT_THAT(decide(make_policy(), "gog").reason, HasSubstr("no gog command"));
}

TEST(GateDecision, GlobalFlagsMayComeBeforeTheCommand) {
  const auto d = decide(make_policy(), "gog --json gmail -p search x");
  EXPECT_TRUE(d.allowed) << d.reason;
  EXPECT_EQ(d.verb, "search");
  ASSERT_EQ(d.flags.size(), 2u);
  EXPECT_TRUE(d.flags[0].global);
}

TEST(GateDecision, FlagsOutsideTheAllowlistAreRefusedInAnyForm) {
  for (const char* command : {"gog gmail search x --account other@x",
                              "gog gmail search x --account=other@x", "gog gmail search -a other x",
                              "gog gmail search x '--account=y'", "gog --account x gmail search a",
                              "gog gmail search --accounting", "gog gmail search -aother x"}) {
    SCOPED_TRACE(command);
    const auto d = decide(make_policy(), command);
    EXPECT_FALSE(d.allowed);
    EXPECT_THAT(d.reason, HasSubstr("is not allowed"));
    EXPECT_THAT(d.refused_flag, ::testing::StartsWith("-"));
  }
  EXPECT_TRUE(decide(make_policy(), "gog gmail search --max 3 x").allowed);
}

TEST(GateDecision, ShellConstructsAreDenied) {
  const auto d = decide(make_policy(), "gog calendar events; cat /etc/passwd");
  EXPECT_FALSE(d.allowed);
  EXPECT_THAT(d.reason, HasSubstr("';' separates shell commands"));
}

TEST(GateDecision, LimitsAreEnforced) {
  EXPECT_THAT(decide(make_policy(), "gog gmail search a b c d e f g").reason,
              HasSubstr("9 arguments, the limit is 8"));
  EXPECT_THAT(decide(make_policy(), "gog gmail search " + std::string(33, 'x')).reason,
              HasSubstr("argument 3 is 33 bytes, the limit is 32"));
  EXPECT_THAT(decide(make_policy(), "gog gmail search '" + std::string(190, 'x') + "'").reason,
              HasSubstr("bytes, the limit is 200"));
  EXPECT_TRUE(decide(make_policy(), "gog gmail search " + std::string(32, 'x')).allowed);
}

TEST(GateDecisionLog, LineCarriesTheFieldsButNotTheArguments) {
  const auto d = decide(make_policy(), "gog gmail messages search 'secret subject'");
  const auto line = format_decision(d, "192.168.83.2:40512");
  EXPECT_THAT(
      line,
      HasSubstr("decision=allow subcommand=gmail verb=\"messages search\" class=read argc=4"));
  EXPECT_THAT(line, HasSubstr("args_sha256=" + hash_arguments(d.args)));
  EXPECT_THAT(line, HasSubstr("client=192.168.83.2:40512"));
  EXPECT_THAT(line, Not(HasSubstr("secret")));
  EXPECT_EQ(format_exit(d, 3), "exit subcommand=gmail verb=\"messages search\" status=3");

  const auto denied = format_decision(decide(make_policy(), "gog gmail send x"), "c");
  EXPECT_THAT(denied, HasSubstr("decision=deny subcommand=gmail verb=send class=write argc=3"));
  EXPECT_THAT(denied, Not(HasSubstr("flag=")));
}

TEST(GateDecisionLog, HashSeparatesArguments) {
  EXPECT_EQ(hash_arguments({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_NE(hash_arguments({"ab", "c"}), hash_arguments({"a", "bc"}));
  EXPECT_EQ(hash_arguments({"ab", "c"}).size(), 64u);
}

}  // namespace
}  // namespace openclawd::gate
