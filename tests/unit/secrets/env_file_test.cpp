#include "openclawd/secrets/env_file.hpp"

#include <gtest/gtest.h>

namespace openclawd::secrets {
namespace {

TEST(EnvFile, OneLinePerEntryInOrder) {
  auto content = build_env_file({{"OPENROUTER_API_KEY", "sk-or-1", "a"},
                                 {"OPENCLAW_GATEWAY_TOKEN", "tok=en/+", "b"},
                                 {"DEFENDER_WATCH_FILES", "openclaw.json", "c"}});
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(*content,
            "OPENROUTER_API_KEY=sk-or-1\nOPENCLAW_GATEWAY_TOKEN=tok=en/+\n"
            "DEFENDER_WATCH_FILES=openclaw.json\n");
}

TEST(EnvFile, EmptyListIsAnEmptyFile) {
  EXPECT_EQ(*build_env_file({}), "");
}

class EnvFileRejects : public ::testing::TestWithParam<std::string> {};

TEST_P(EnvFileRejects, ValuesThatWouldInjectALineAndNeverShowsTheValue) {
  const std::string value = GetParam();
  auto content = build_env_file({{"BRAVE_API_KEY", value, "admin file /x/brave-api-key"}});
  ASSERT_FALSE(content.ok());
  const auto& message = content.error().message;
  EXPECT_NE(message.find("BRAVE_API_KEY"), std::string::npos);
  EXPECT_NE(message.find("/x/brave-api-key"), std::string::npos);
  EXPECT_EQ(message.find("SECRETPART"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(BadValues, EnvFileRejects,
                         ::testing::Values(std::string("SECRETPART\nEVIL=1"),
                                           std::string("SECRETPART\rEVIL=1"),
                                           std::string("SECRETPART\0x", 12),
                                           std::string("\nSECRETPART")));

TEST(EnvFile, RejectsBadAndDuplicateNames) {
  EXPECT_FALSE(build_env_file({{"1ABC", "v", "o"}}).ok());
  EXPECT_FALSE(build_env_file({{"A B", "v", "o"}}).ok());
  EXPECT_FALSE(build_env_file({{"", "v", "o"}}).ok());
  EXPECT_FALSE(build_env_file({{"A=B", "v", "o"}}).ok());
  auto duplicate = build_env_file({{"A", "1", "first"}, {"A", "2", "second"}});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.error().message.find("twice"), std::string::npos);
}

TEST(EnvFile, StripsOneFinalNewline) {
  EXPECT_EQ(strip_final_newline("key\n"), "key");
  EXPECT_EQ(strip_final_newline("key\r\n"), "key");
  EXPECT_EQ(strip_final_newline("key\n\n"), "key\n");
  EXPECT_EQ(strip_final_newline("key"), "key");
}

}  // namespace
}  // namespace openclawd::secrets
