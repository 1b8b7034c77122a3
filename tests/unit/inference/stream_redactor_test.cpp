#include "openclawd/inference/stream_redactor.hpp"

#include <gtest/gtest.h>

#include <random>

namespace openclawd::inference {
namespace {

// Feeds `text` cut at `cuts` and returns everything that came out.
std::string streamed(const judge::Redactor& redactor, std::string_view text,
                     const std::vector<std::size_t>& cuts) {
  StreamRedactor stream(redactor);
  std::string out;
  std::size_t at = 0;
  for (auto cut : cuts) {
    out += stream.push(text.substr(at, cut - at));
    at = cut;
  }
  out += stream.push(text.substr(at));
  return out + stream.finish();
}

const std::vector<std::pair<std::string, std::string>> kCredentialTexts = {
    {"Your key is sk-or-v1-0123456789abcdef0123456789abcdef, keep it safe.",
     "sk-or-v1-0123456789abcdef0123456789abcdef"},
    {"curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345' https://x",
     "abcdefghijklmnopqrstuvwxyz012345"},
    {"use Bearer q9w8e7r6t5y4u3i2o1p0 for the call", "q9w8e7r6t5y4u3i2o1p0"},
    {"set api_key = hunter2hunter2 in the file", "hunter2hunter2"},
    {"token: \"zzzyyyxxxwwwvvv\"\nnext line", "zzzyyyxxxwwwvvv"},
    {"AWS AKIAABCDEFGHIJKLMNOP done", "AKIAABCDEFGHIJKLMNOP"},
    {"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQUJDREVGRw==\n"
     "-----END OPENSSH PRIVATE KEY-----\nthat was it",
     "b3BlbnNzaC1rZXktdjEAAAAA"},
};

TEST(StreamRedactor, ACredentialSplitAtAnyPointIsRedactedAsWhole) {
  judge::Redactor redactor;
  for (const auto& [text, secret] : kCredentialTexts) {
    const std::string whole = redactor.redact(text).text;
    ASSERT_EQ(whole.find(secret), std::string::npos) << "the redactor itself misses: " << text;
    for (std::size_t cut = 1; cut < text.size(); ++cut) {
      const auto out = streamed(redactor, text, {cut});
      EXPECT_EQ(out.find(secret), std::string::npos) << text << " cut at " << cut << ": " << out;
      EXPECT_EQ(out, whole) << text << " cut at " << cut;
    }
  }
}

TEST(StreamRedactor, ThreeWaySplitsAndOneByteChunksToo) {
  judge::Redactor redactor;
  std::mt19937 random(83);
  for (const auto& [text, secret] : kCredentialTexts) {
    const std::string whole = redactor.redact(text).text;
    for (int round = 0; round < 200; ++round) {
      std::uniform_int_distribution<std::size_t> pick(1, text.size() - 1);
      std::vector<std::size_t> cuts = {pick(random), pick(random)};
      std::sort(cuts.begin(), cuts.end());
      cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
      EXPECT_EQ(streamed(redactor, text, cuts), whole) << text;
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < text.size(); ++i) every.push_back(i);
    EXPECT_EQ(streamed(redactor, text, every), whole) << text;
  }
}

TEST(StreamRedactor, KnownSecretsSplitAcrossChunksAreRedacted) {
  judge::Redactor redactor;
  redactor.set_known_secrets({"Zm9vYmFyYmF6cXV4LXJvdGF0ZWQtdG9rZW4="});
  const std::string text = "the token Zm9vYmFyYmF6cXV4LXJvdGF0ZWQtdG9rZW4= is here";
  for (std::size_t cut = 1; cut < text.size(); ++cut) {
    EXPECT_EQ(streamed(redactor, text, {cut}).find("Zm9vYmFy"), std::string::npos) << cut;
  }
}

TEST(StreamRedactor, PlainTextFlowsThroughHoldingOnlyTheLastWord) {
  judge::Redactor redactor;
  StreamRedactor stream(redactor);
  EXPECT_EQ(stream.push("Hello wor"), "Hello ");
  EXPECT_EQ(stream.push("ld, how "), "world, how ");
  EXPECT_EQ(stream.push("are you?"), "are ");
  EXPECT_EQ(stream.finish(), "you?");
  EXPECT_EQ(stream.redactions(), 0u);
}

TEST(StreamRedactor, AnOpenerIsHeldUntilItsValueArrives) {
  judge::Redactor redactor;
  StreamRedactor stream(redactor);
  EXPECT_EQ(stream.push("Send it with Bearer "), "Send it with ");
  EXPECT_EQ(stream.push("abcdefghijklmnop1234 "), "[REDACTED:bearer_token] ");
  // An ordinary use of such a word is held one word at most.
  EXPECT_EQ(stream.push("the token "), "the ");
  EXPECT_EQ(stream.push("is fine "), "token is fine ");
}

TEST(StreamRedactor, ALongRunWithoutBlanksIsReleasedAtTheCap) {
  judge::Redactor redactor;
  StreamRedactor stream(redactor, 64);
  const std::string blob(200, 'x');
  const auto out = stream.push(blob);
  EXPECT_EQ(out, blob);
  EXPECT_EQ(stream.held(), 0u);
}

TEST(StreamRedactor, APrivateKeyCutAtTheCapIsSwallowedToItsEnd) {
  judge::Redactor redactor;
  StreamRedactor stream(redactor, 64);
  std::string out = stream.push("key: -----BEGIN RSA PRIVATE KEY-----\n");
  for (int i = 0; i < 10; ++i) out += stream.push("MIIEowIBAAKCAQEAsecretsecretsecretsecret\n");
  out += stream.push("-----END RSA PRIV");
  out += stream.push("ATE KEY-----\nbye");
  out += stream.finish();
  EXPECT_EQ(out.find("secretsecret"), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED:private_key]"), std::string::npos) << out;
  EXPECT_NE(out.find("bye"), std::string::npos) << out;
}

}  // namespace
}  // namespace openclawd::inference
