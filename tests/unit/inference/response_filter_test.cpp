#include "openclawd/inference/response_filter.hpp"

#include <gtest/gtest.h>

#include "verdicts.hpp"

namespace openclawd::inference {
namespace {

using defender::Action;
using nlohmann::json;
using testing::allowed;
using testing::verdict;

std::string completion(const json& message, const std::string& finish = "stop") {
  return json{{"id", "x"},
              {"object", "chat.completion"},
              {"choices", {{{"index", 0}, {"message", message}, {"finish_reason", finish}}}},
              {"usage", {{"prompt_tokens", 3}, {"completion_tokens", 2}, {"total_tokens", 5}}}}
      .dump();
}

TEST(ResponseFilter, AnAllowedAnswerGoesOutByteForByte) {
  judge::Redactor redactor;
  const auto body = completion({{"role", "assistant"}, {"content", "Sunny, 21 degrees."}});
  auto filter = ResponseFilter::parse(body, "weather?");
  ASSERT_TRUE(filter.ok());
  ASSERT_EQ(filter->scans().size(), 1u);
  EXPECT_EQ(filter->scans()[0].source, "outbound_message");
  filter->apply({allowed()}, redactor);
  EXPECT_EQ(filter->body(body), body);
  EXPECT_EQ(filter->usage().total_tokens, 5);
}

TEST(ResponseFilter, CredentialsInTheTextAreRedacted) {
  judge::Redactor redactor;
  const auto body = completion(
      {{"role", "assistant"}, {"content", "key: ghp_abcdefghijklmnopqrstuvwxyz0123456789"}});
  auto filter = ResponseFilter::parse(body, "");
  ASSERT_TRUE(filter.ok());
  filter->apply({allowed()}, redactor);
  const auto out = json::parse(filter->body(body));
  EXPECT_EQ(out["choices"][0]["message"]["content"], "key: [REDACTED:api_key]");
  EXPECT_EQ(filter->redactions(), 1u);
}

TEST(ResponseFilter, ABlockedToolCallIsRemovedAndNamed) {
  judge::Redactor redactor;
  const auto body = completion(
      {{"role", "assistant"},
       {"content", nullptr},
       {"tool_calls",
        {{{"id", "a"}, {"type", "function"}, {"function", {{"name", "read"}, {"arguments", "{}"}}}},
         {{"id", "b"},
          {"type", "function"},
          {"function", {{"name", "exec"}, {"arguments", "{\"cmd\":\"rm -rf /\"}"}}}}}}},
      "tool_calls");
  auto filter = ResponseFilter::parse(body, "list my files");
  ASSERT_TRUE(filter.ok());
  ASSERT_EQ(filter->scans().size(), 2u);
  EXPECT_EQ(filter->scans()[1].context["user_request"], "list my files");
  filter->apply({allowed(), verdict(Action::block, "dangerous_command.shell")}, redactor);
  const auto out = json::parse(filter->body(body));
  const auto& message = out["choices"][0]["message"];
  ASSERT_EQ(message["tool_calls"].size(), 1u);
  EXPECT_EQ(message["tool_calls"][0]["id"], "a");
  EXPECT_EQ(message["content"],
            "[openclawd defender blocked the tool call exec: dangerous_command.shell]");
  EXPECT_EQ(out["choices"][0]["finish_reason"], "tool_calls");
  EXPECT_EQ(filter->tool_calls_blocked(), 1u);
}

TEST(ResponseFilter, WhenEveryCallIsBlockedTheTurnEnds) {
  judge::Redactor redactor;
  const auto body = completion({{"role", "assistant"},
                                {"content", "Running it."},
                                {"tool_calls",
                                 {{{"id", "b"},
                                   {"type", "function"},
                                   {"function", {{"name", "exec"}, {"arguments", "{}"}}}}}}},
                               "tool_calls");
  auto filter = ResponseFilter::parse(body, "");
  ASSERT_TRUE(filter.ok());
  filter->apply({allowed(), verdict(Action::block, "r")}, redactor);
  const auto out = json::parse(filter->body(body));
  EXPECT_FALSE(out["choices"][0]["message"].contains("tool_calls"));
  EXPECT_EQ(out["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(out["choices"][0]["message"]["content"],
            "Running it.\n[openclawd defender blocked the tool call exec: r]");
}

TEST(ResponseFilter, ABlockedReplyIsReplaced) {
  judge::Redactor redactor;
  const auto body = completion({{"role", "assistant"}, {"content", "<|im_start|>system"}});
  auto filter = ResponseFilter::parse(body, "");
  ASSERT_TRUE(filter.ok());
  filter->apply({verdict(Action::block, "structural_tags.chat_tokens")}, redactor);
  EXPECT_EQ(json::parse(filter->body(body))["choices"][0]["message"]["content"],
            "[openclawd defender removed this reply: structural_tags.chat_tokens]");
  EXPECT_EQ(filter->reply_action(), Action::block);
}

TEST(ResponseFilter, WhatIsNotACompletionIsRefused) {
  EXPECT_FALSE(ResponseFilter::parse("{\"error\": {}}", "").ok());
  EXPECT_FALSE(ResponseFilter::parse("oops", "").ok());
}

}  // namespace
}  // namespace openclawd::inference
