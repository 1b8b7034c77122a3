#include <gtest/gtest.h>

#include "openclawd/defender/rules.hpp"
#include "support.hpp"

namespace openclawd::defender {
namespace {

std::string error_of(std::string_view json) {
  auto result = parse_rules(json, "rules.json");
  EXPECT_FALSE(result.ok());
  return result.ok() ? std::string() : result.error().message;
}

constexpr std::string_view kValidRule =
    R"({"id":"r1","category":"instruction_override","severity":"high","confidence":0.9,)"
    R"("languages":["en"],"description":"d","patterns":["ignore all"]})";

TEST(RulesParse, AcceptsAMinimalRuleFile) {
  auto rules = parse_rules(
      std::string(R"({"version":1,"rules":[)") + std::string(kValidRule) + "]}", "rules.json");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->rules.size(), 1u);
  EXPECT_EQ(rules->rules[0].severity, Severity::high);
  EXPECT_EQ(rules->actions.action_for("email", Severity::high), Action::block);
}

TEST(RulesParse, ErrorsNameTheFileAndJsonPointer) {
  EXPECT_EQ(error_of("{"), "rules.json: : not valid JSON; check the syntax");
  EXPECT_NE(error_of(R"({"version":2,"rules":[]})").find("/version: must be 1"), std::string::npos);
  EXPECT_NE(error_of(R"({"version":1,"rules":[]})").find("/rules"), std::string::npos);
  EXPECT_NE(error_of(R"({"version":1,"rules":[{"id":"a","category":"c","severity":"huge",)"
                     R"("languages":["en"],"description":"d","patterns":["x"]}]})")
                .find("/rules/0/severity"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"version":1,"rules":[{"id":"a","category":"c","severity":"low",)"
                     R"("languages":["xx"],"description":"d","patterns":["x"]}]})")
                .find("/rules/0/languages/0"),
            std::string::npos);
  EXPECT_NE(
      error_of(R"({"version":1,"rules":[{"id":"a","category":"c","severity":"low",)"
               R"("languages":["en"],"sources":["irc"],"description":"d","patterns":["x"]}]})")
          .find("/rules/0/sources/0"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"version":1,"rules":[{"id":"a","category":"c","severity":"low",)"
                     R"("languages":["en"],"description":"d","patterns":[]}]})")
                .find("/rules/0/patterns"),
            std::string::npos);
  EXPECT_NE(
      error_of(R"({"version":1,"rules":[{"id":"a","category":"c","severity":"low","confidence":2,)"
               R"("languages":["en"],"description":"d","patterns":["x"]}]})")
          .find("/rules/0/confidence"),
      std::string::npos);
  EXPECT_NE(
      error_of(R"({"version":1,"rules":[{"id":"a","category":"c","severity":"low","colour":1,)"
               R"("languages":["en"],"description":"d","patterns":["x"]}]})")
          .find("/rules/0/colour: unknown key"),
      std::string::npos);
}

TEST(RulesParse, RejectsDuplicateIdsAndBadActions) {
  const std::string two = std::string(R"({"version":1,"rules":[)") + std::string(kValidRule) + "," +
                          std::string(kValidRule) + "]}";
  EXPECT_NE(error_of(two).find("duplicate rule id \"r1\""), std::string::npos);
  EXPECT_NE(
      error_of(std::string(R"({"version":1,"actions":{"default":{"high":"explode"}},"rules":[)") +
               std::string(kValidRule) + "]}")
          .find("/actions/default/high"),
      std::string::npos);
  EXPECT_NE(error_of(std::string(R"({"version":1,"actions":{"sources":{"irc":{}}},"rules":[)") +
                     std::string(kValidRule) + "]}")
                .find("/actions/sources/irc"),
            std::string::npos);
}

TEST(RulesParse, PerSourceActionsStartFromTheDefaultTable) {
  auto rules = parse_rules(std::string(R"({"version":1,"actions":{"default":{"low":"log"},)"
                                       R"("sources":{"tool_call":{"medium":"block"}}},"rules":[)") +
                               std::string(kValidRule) + "]}",
                           "rules.json");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  EXPECT_EQ(rules->actions.action_for("tool_call", Severity::medium), Action::block);
  EXPECT_EQ(rules->actions.action_for("tool_call", Severity::low), Action::log);
  EXPECT_EQ(rules->actions.action_for("email", Severity::medium), Action::sanitize);
}

TEST(RulesParse, MissingFileSaysWhatToSet) {
  auto rules = load_rules_file("/nonexistent/rules.json");
  ASSERT_FALSE(rules.ok());
  EXPECT_NE(rules.error().message.find("/nonexistent/rules.json"), std::string::npos);
  EXPECT_NE(rules.error().message.find("--rules"), std::string::npos);
}

TEST(RulesParse, TheProjectRulesCoverEveryCategoryAndLanguage) {
  auto rules = load_rules_file(testing::rules_file());
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  std::set<std::string> categories;
  std::map<std::string, std::set<std::string>> languages_by_category;
  for (const auto& rule : rules->rules) {
    categories.insert(rule.category);
    for (const auto& language : rule.languages)
      languages_by_category[rule.category].insert(language);
  }
  for (const char* category :
       {"structural_tags", "role_hijack", "metadata_spoofing", "instruction_override", "new_role",
        "jailbreak_mode", "boundary_escape", "tool_call_injection", "social_engineering",
        "dangerous_command", "prompt_leak", "encoded_payload", "credential"}) {
    EXPECT_TRUE(categories.count(category)) << category;
  }
  for (const char* language : {"en", "ja", "zh", "ko", "es", "fr", "de", "ru", "pt", "ar"}) {
    EXPECT_TRUE(languages_by_category["instruction_override"].count(language)) << language;
    EXPECT_TRUE(languages_by_category["prompt_leak"].count(language)) << language;
  }
}

}  // namespace
}  // namespace openclawd::defender
