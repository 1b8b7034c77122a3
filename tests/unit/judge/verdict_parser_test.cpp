#include <gtest/gtest.h>

#include "openclawd/judge/chat_client.hpp"
#include "openclawd/judge/verdict.hpp"

namespace openclawd::judge {
namespace {

TEST(JudgeVerdictParser, ReadsAPlainObject) {
  auto verdict = parse_judge_verdict(
      R"({"is_injection": true, "confidence": 0.93, "reasoning": "asks to ignore rules"})");
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_TRUE(verdict->is_injection);
  EXPECT_DOUBLE_EQ(verdict->confidence, 0.93);
  EXPECT_EQ(verdict->reasoning, "asks to ignore rules");
}

TEST(JudgeVerdictParser, StripsCodeFencesAndTrailingText) {
  auto verdict = parse_judge_verdict(
      "Here is my assessment:\n```json\n{\"is_injection\": false, \"confidence\": 0.8, "
      "\"reasoning\": \"a question about {braces}\"}\n```\nLet me know if you need more.");
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_FALSE(verdict->is_injection);
  EXPECT_DOUBLE_EQ(verdict->confidence, 0.8);
  EXPECT_EQ(verdict->reasoning, "a question about {braces}");
}

TEST(JudgeVerdictParser, SkipsAStrayBraceBeforeTheObject) {
  auto verdict = parse_judge_verdict(
      "set {x} aside. {\"is_injection\": true, \"confidence\": 1, \"reasoning\": \"r\"}");
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_TRUE(verdict->is_injection);
}

TEST(JudgeVerdictParser, AcceptsPercentConfidence) {
  auto verdict =
      parse_judge_verdict(R"({"is_injection": true, "confidence": 85, "reasoning": ""})");
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_DOUBLE_EQ(verdict->confidence, 0.85);
}

TEST(JudgeVerdictParser, ProseWithoutJsonIsAnErrorNotBenign) {
  auto verdict = parse_judge_verdict("This looks benign to me.");
  ASSERT_FALSE(verdict.ok());
  EXPECT_NE(verdict.error().message.find("not a JSON object"), std::string::npos);
}

TEST(JudgeVerdictParser, MissingOrMistypedFieldsAreErrors) {
  EXPECT_FALSE(parse_judge_verdict(R"({"confidence": 0.9, "reasoning": "x"})").ok());
  EXPECT_FALSE(parse_judge_verdict(R"({"is_injection": "yes", "confidence": 0.9})").ok());
  EXPECT_FALSE(parse_judge_verdict(R"({"is_injection": true, "confidence": "high"})").ok());
  EXPECT_FALSE(parse_judge_verdict(R"({"is_injection": true, "confidence": -0.1})").ok());
  EXPECT_FALSE(parse_judge_verdict(R"({"is_injection": true, "confidence": 250})").ok());
  EXPECT_FALSE(parse_judge_verdict(R"({"is_injection": true, "confidence": 0.9)").ok());
  EXPECT_FALSE(parse_judge_verdict("").ok());
}

TEST(JudgeVerdictParser, IntentVerdictNeedsAligned) {
  auto verdict = parse_intent_verdict(
      R"(```{"aligned": false, "confidence": 0.95, "reasoning": "other recipient"}```)");
  ASSERT_TRUE(verdict.ok()) << verdict.error().message;
  EXPECT_FALSE(verdict->aligned);
  EXPECT_FALSE(parse_intent_verdict(R"({"is_injection": false, "confidence": 0.9})").ok());
}

TEST(JudgeChatResponseParser, ExtractsTheFirstChoiceContent) {
  auto content = parse_chat_response(
      R"({"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}]})");
  ASSERT_TRUE(content.ok()) << content.error().message;
  EXPECT_EQ(*content, "hi");
}

TEST(JudgeChatResponseParser, RejectsBodiesThatAreNotCompletions) {
  EXPECT_FALSE(parse_chat_response("<html>bad gateway</html>").ok());
  EXPECT_FALSE(parse_chat_response(R"({"choices":[]})").ok());
  EXPECT_FALSE(parse_chat_response(R"({"choices":[{"message":{"content":null}}]})").ok());
  EXPECT_FALSE(parse_chat_response(R"({"error":{"message":"x"}})").ok());
}

TEST(JudgeChatRequestBody, AsksForTemperatureZeroAndTheSchema) {
  JudgeSettings settings;
  settings.model = "some-model";
  ChatRequest request{{{"system", "s"}, {"user", "u"}},
                      "injection_verdict",
                      judge_verdict_schema(),
                      std::chrono::milliseconds{100}};
  auto body = chat_request_body(settings, request, true);
  EXPECT_EQ(body["model"], "some-model");
  EXPECT_EQ(body["temperature"], 0);
  EXPECT_EQ(body["messages"][1]["content"], "u");
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"]["required"][0], "is_injection");
  EXPECT_FALSE(chat_request_body(settings, request, false).contains("response_format"));
}

TEST(JudgeChatFailure, RetriesOnlyTransientFailures) {
  EXPECT_TRUE((ChatFailure{ChatFailureKind::timeout, 0, ""}.retryable()));
  EXPECT_TRUE((ChatFailure{ChatFailureKind::transport, 0, ""}.retryable()));
  EXPECT_TRUE((ChatFailure{ChatFailureKind::http_status, 503, ""}.retryable()));
  EXPECT_TRUE((ChatFailure{ChatFailureKind::http_status, 429, ""}.retryable()));
  EXPECT_FALSE((ChatFailure{ChatFailureKind::http_status, 401, ""}.retryable()));
  EXPECT_FALSE((ChatFailure{ChatFailureKind::bad_response, 200, ""}.retryable()));
}

}  // namespace
}  // namespace openclawd::judge
