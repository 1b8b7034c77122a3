// The HTTP API's request parser: what a (possibly compromised) guest can send.
#include "openclawd/defender/api_request.hpp"

#include <gtest/gtest.h>

#include <string>

namespace openclawd::defender {
namespace {

std::string error_of(std::string_view body) {
  auto parsed = parse_scan_request(body);
  EXPECT_FALSE(parsed.ok()) << body;
  return parsed.ok() ? std::string() : parsed.error().message;
}

TEST(ApiRequest, ReadsTextSourceAndContext) {
  auto parsed = parse_scan_request(
      R"({"text": "hello", "source": "tool_call", "context": {"tool_name": "exec"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->text, "hello");
  EXPECT_EQ(parsed->source, "tool_call");
  EXPECT_EQ(parsed->context["tool_name"], "exec");
}

TEST(ApiRequest, SourceDefaultsToToolResultAndContextToNull) {
  auto parsed = parse_scan_request(R"({"text": ""})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text, "");
  EXPECT_EQ(parsed->source, "tool_result");
  EXPECT_TRUE(parsed->context.is_null());
}

TEST(ApiRequest, KeepsEmbeddedNulAndUnicode) {
  auto parsed = parse_scan_request(R"({"text": "a\u0000b \u00e9\u200b"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text, std::string("a\0b \xC3\xA9\xE2\x80\x8B", 9));
}

TEST(ApiRequest, ShapeErrorsSayWhatIsWrong) {
  EXPECT_NE(error_of("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"text\": \"x\"").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("JSON object"), std::string::npos);
  EXPECT_NE(error_of("{}").find("\"text\" is required"), std::string::npos);
  EXPECT_NE(error_of(R"({"text": 5})").find("\"text\" must be a string"), std::string::npos);
  EXPECT_NE(error_of(R"({"text": "x", "source": "irc"})").find("tool_result"), std::string::npos);
  EXPECT_NE(error_of(R"({"text": "x", "source": 1})").find("\"source\""), std::string::npos);
  EXPECT_NE(error_of(R"({"text": "x", "context": "s"})").find("\"context\""), std::string::npos);
  EXPECT_NE(error_of(R"({"txt": "x"})").find("unknown field \"txt\""), std::string::npos);
}

TEST(ApiRequest, InvalidUtf8IsRejected) {
  EXPECT_NE(error_of("{\"text\": \"\xff\xfe\"}").find("not valid JSON"), std::string::npos);
}

TEST(ApiRequest, DeeplyNestedContextIsRejected) {
  std::string nested;
  for (int i = 0; i < 100; ++i) nested += "{\"a\":";
  nested += "1";
  for (int i = 0; i < 100; ++i) nested += "}";
  EXPECT_NE(error_of(R"({"text": "x", "context": )" + nested + "}").find("nested deeper"),
            std::string::npos);
  // Within the limit is fine.
  EXPECT_TRUE(parse_scan_request(R"({"text": "x", "context": {"a": {"b": [1, {"c": 2}]}}})").ok());
}

TEST(ApiRequest, ControlArgumentsGoThroughTheSameChecks) {
  EXPECT_TRUE(scan_request_from_json({{"text", "hi"}, {"source", "email"}}).ok());
  EXPECT_FALSE(scan_request_from_json(nlohmann::json::array()).ok());
  EXPECT_FALSE(scan_request_from_json({{"source", "email"}}).ok());
}

}  // namespace
}  // namespace openclawd::defender
