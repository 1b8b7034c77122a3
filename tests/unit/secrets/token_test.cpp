#include "openclawd/secrets/token.hpp"

#include <gtest/gtest.h>

#include <set>

namespace openclawd::secrets {
namespace {

TEST(RandomToken, ThirtyTwoBytesAreFortyFourBase64Characters) {
  auto token = make_random_token(32);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->size(), 44u);
  EXPECT_EQ(token->back(), '=');
  for (char c : *token) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=');
  }
}

TEST(RandomToken, TokensDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(*make_random_token(32));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(RandomToken, RefusesZeroAndHugeSizes) {
  EXPECT_FALSE(make_random_token(0).ok());
  EXPECT_FALSE(make_random_token(1 << 20).ok());
}

TEST(Base64, KnownVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

}  // namespace
}  // namespace openclawd::secrets
