#include "openclawd/inference/chat_request.hpp"

#include <gtest/gtest.h>

namespace openclawd::inference {
namespace {

constexpr std::string_view kConversation = R"({"model": "m",  "stream":true,
  "messages": [
    {"role": "system", "content": "You are helpful."},
    {"role":"user","content":"Summarise https://example.com"},
    {"role": "assistant", "content": null, "tool_calls": [
      {"id": "call_1", "type": "function", "function": {"name": "web_fetch", "arguments": "{\"url\":\"https://example.com\"}"}}]},
    {"role": "tool", "tool_call_id": "call_1", "content": [{"type": "text", "text": "page"}, {"type": "image_url", "image_url": {"url": "x"}}, {"type":"text","text":"more"}]}
  ], "temperature": 0.7e0})";

TEST(ChatRequest, ReadsRolesTextsAndToolNames) {
  auto request = parse_chat_request(kConversation);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->model, "m");
  EXPECT_TRUE(request->stream);
  ASSERT_EQ(request->messages.size(), 4u);
  EXPECT_EQ(request->messages[1].role, "user");
  EXPECT_EQ(request->messages[1].text, "Summarise https://example.com");
  EXPECT_FALSE(request->messages[2].has_text);
  EXPECT_EQ(request->messages[3].text, "page\nmore");
  EXPECT_EQ(request->messages[3].tool_call_id, "call_1");
  EXPECT_EQ(request->tool_names.at("call_1"), "web_fetch");
}

TEST(ChatRequest, ContentSpansPointAtTheValuesInTheOriginalBytes) {
  auto request = parse_chat_request(kConversation);
  ASSERT_TRUE(request.ok());
  const auto& user = request->messages[1];
  EXPECT_EQ(kConversation.substr(user.content_begin, user.content_end - user.content_begin),
            "\"Summarise https://example.com\"");
  const auto& assistant = request->messages[2];
  EXPECT_EQ(kConversation.substr(assistant.content_begin,
                                 assistant.content_end - assistant.content_begin),
            "null");
}

TEST(ChatRequest, SplicingChangesOnlyTheReplacedContents) {
  auto request = parse_chat_request(kConversation);
  ASSERT_TRUE(request.ok());
  const std::string out = splice_contents(kConversation, *request, {{3, "[removed] \"q\""}});
  const auto tool = request->messages[3];
  std::string expected(kConversation.substr(0, tool.content_begin));
  expected += R"("[removed] \"q\"")";
  expected += kConversation.substr(tool.content_end);
  EXPECT_EQ(out, expected);
  auto again = parse_chat_request(out);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->messages[3].text, "[removed] \"q\"");
  EXPECT_EQ(again->messages[1].text, request->messages[1].text);
  EXPECT_EQ(splice_contents(kConversation, *request, {}), kConversation);
}

TEST(ChatRequest, DuplicateKeysAreRefusedEvenWhenEscaped) {
  for (
      const char* body : {
          R"({"messages": [{"role": "tool", "content": "benign", "content": "evil"}]})",
          R"({"messages": [{"role": "tool", "content": "benign", "con\u0074ent": "evil"}]})",
          R"({"messages": [{"role": "user", "content": [{"type": "text", "text": "a", "text": "b"}]}]})",
          R"({"messages": [], "messages": [{"role": "user", "content": "x"}]})",
      }) {
    auto request = parse_chat_request(body);
    ASSERT_FALSE(request.ok()) << body;
    EXPECT_NE(request.error().message.find("appears twice"), std::string::npos)
        << request.error().message;
  }
}

TEST(ChatRequest, ShapeErrorsNameThePointer) {
  struct Case {
    const char* body;
    const char* expected;
  };
  for (const auto& [body, expected] : std::initializer_list<Case>{
           {"not json", "not valid JSON"},
           {"[1]", "must be a JSON object"},
           {"{}", "/messages"},
           {R"({"messages": {}})", "/messages"},
           {R"({"messages": [7]})", "/messages/0"},
           {R"({"messages": [{"content": "x"}]})", "/messages/0/role"},
           {R"({"messages": [{"role": "user", "content": 5}]})", "/messages/0/content"},
           {R"({"messages": [], "stream": "yes"})", "/stream"},
           {R"({"messages": [], "model": 1})", "/model"},
       }) {
    auto request = parse_chat_request(body);
    ASSERT_FALSE(request.ok()) << body;
    EXPECT_NE(request.error().message.find(expected), std::string::npos)
        << body << " -> " << request.error().message;
  }
}

TEST(ChatRequest, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep = R"({"messages": [{"role": "user", "content": )";
  deep += std::string(100000, '[') + std::string(100000, ']') + "}]}";
  EXPECT_FALSE(parse_chat_request(deep).ok());
}

}  // namespace
}  // namespace openclawd::inference
