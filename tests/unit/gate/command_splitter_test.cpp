#include "openclawd/gate/command_splitter.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace openclawd::gate {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Words = std::vector<std::string>;

Words split_ok(std::string_view command) {
  auto words = split_command(command);
  EXPECT_TRUE(words.ok()) << command << ": " << (words.ok() ? "" : words.error().message);
  return words.ok() ? *words : Words{};
}

std::string split_error(std::string_view command) {
  auto words = split_command(command);
  EXPECT_FALSE(words.ok()) << command << " was accepted";
  return words.ok() ? "" : words.error().message;
}

TEST(CommandSplitter, SplitsOnSpacesAndTabs) {
  EXPECT_THAT(split_ok("gog  calendar\tevents "), ElementsAre("gog", "calendar", "events"));
  EXPECT_THAT(split_ok(""), ElementsAre());
  EXPECT_THAT(split_ok("   "), ElementsAre());
}

TEST(CommandSplitter, SingleQuotesKeepEverythingLiteral) {
  EXPECT_THAT(split_ok("gog gmail send --subject 'Lunch at 12'"),
              ElementsAre("gog", "gmail", "send", "--subject", "Lunch at 12"));
  EXPECT_THAT(split_ok(R"('$HOME `id` ; | * \ "')"), ElementsAre(R"($HOME `id` ; | * \ ")"));
}

TEST(CommandSplitter, DoubleQuotesHonourOnlyTheirEscapes) {
  EXPECT_THAT(split_ok(R"("say \"hi\"" "a\\b" "c\d" "\$5")"),
              ElementsAre(R"(say "hi")", R"(a\b)", R"(c\d)", "$5"));
  EXPECT_THAT(split_ok("\"multi\nline\""), ElementsAre("multi\nline"));
  EXPECT_THAT(split_ok("\"join\\\ned\""), ElementsAre("joined"));
}

TEST(CommandSplitter, BackslashEscapesOneCharacterOutsideQuotes) {
  EXPECT_THAT(split_ok(R"(Lunch\ at\ 12 \; \$x \')"), ElementsAre("Lunch at 12", ";", "$x", "'"));
  EXPECT_THAT(split_ok("a\\\nb"), ElementsAre("ab"));
}

TEST(CommandSplitter, AdjacentPartsJoinIntoOneWord) {
  EXPECT_THAT(split_ok(R"(--subject='it'"'"'s'\ done)"), ElementsAre("--subject=it's done"));
}

TEST(CommandSplitter, EmptyQuotedArgumentsAreKept) {
  EXPECT_THAT(split_ok(R"(a '' "" b)"), ElementsAre("a", "", "", "b"));
}

TEST(CommandSplitter, UnicodePassesThroughUnchanged) {
  EXPECT_THAT(split_ok("gog gmail search 'Grüße 日本語 🙂' Ünïcödé"),
              ElementsAre("gog", "gmail", "search", "Grüße 日本語 🙂", "Ünïcödé"));
}

TEST(CommandSplitter, RefusesEveryShellConstruct) {
  for (const char* command : {"gog calendar events; cat /etc/passwd",
                              "a && b",
                              "a || b",
                              "a & b",
                              "a | b",
                              "a > f",
                              "a < f",
                              "a >> f",
                              "a 2>&1",
                              "$(id)",
                              "`id`",
                              "echo $HOME",
                              "${x}",
                              "a*",
                              "a?",
                              "[ab]",
                              "{a,b}",
                              "(sub)",
                              "a\nb",
                              "a\rb",
                              "# comment",
                              "~/file",
                              "~root"}) {
    SCOPED_TRACE(command);
    EXPECT_THAT(split_error(command), HasSubstr("without a shell"));
  }
}

TEST(CommandSplitter, RefusesExpansionInsideDoubleQuotes) {
  EXPECT_THAT(split_error(R"("$HOME")"), HasSubstr("column 2"));
  EXPECT_THAT(split_error(R"("`id`")"), HasSubstr("command substitution"));
}

TEST(CommandSplitter, HashAndTildeInsideAWordAreLiteral) {
  EXPECT_THAT(split_ok("issue#4 a~b"), ElementsAre("issue#4", "a~b"));
}

TEST(CommandSplitter, RefusesUnterminatedInput) {
  EXPECT_THAT(split_error("'open"), HasSubstr("single quote is never closed"));
  EXPECT_THAT(split_error("\"open"), HasSubstr("double quote is never closed"));
  EXPECT_THAT(split_error("end\\"), HasSubstr("backslash at the end"));
}

TEST(CommandSplitter, RefusesNulBytes) {
  using namespace std::string_view_literals;
  EXPECT_THAT(split_error("a\0b"sv), HasSubstr("NUL"));
  EXPECT_THAT(split_error("'a\0b'"sv), HasSubstr("NUL"));
  EXPECT_THAT(split_error("\"a\0b\""sv), HasSubstr("NUL"));
  EXPECT_THAT(split_error("\\\0"sv), HasSubstr("NUL"));
}

}  // namespace
}  // namespace openclawd::gate
