// Property: over many generated argv vectors, the gate never allows a reading
// that differs from the test's independent Kong reading. Also checks the
// reference reader itself on Kong's documented examples, so that a broken
// reference cannot make the property pass vacuously.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "argv_agreement.hpp"
#include "gate_test_policy.hpp"

namespace openclawd::gate {
namespace {

using ::testing::ElementsAre;

struct Fixture {
  std::vector<testing::KongFlag> globals;
  testing::KongNode root;
  Policy policy;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture out;
    out.root = testing::kong_model(testing::policy_json(), out.globals);
    auto p = parse_policy(testing::policy_json(), "test.json");
    if (!p.ok()) ADD_FAILURE() << p.error().message;
    if (p.ok()) out.policy = *p;
    return out;
  }();
  return f;
}

TEST(KongReferenceReader, ReadsKongsExamples) {
  const testing::KongReader kong(fixture().root, fixture().globals);
  auto r = kong.read({"mail", "find", "-jzUTC", "--limit=3", "q", "--", "--account"});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_THAT(r.path, ElementsAre("gmail", "search"));
  ASSERT_EQ(r.flags.size(), 3u);
  EXPECT_EQ(r.flags[1].name, "timezone");
  EXPECT_EQ(r.flags[1].value, "UTC");
  EXPECT_EQ(r.flags[2].value, "3");
  EXPECT_THAT(r.positionals, ElementsAre("q", "--account"));
  EXPECT_FALSE(kong.read({"gmail", "search", "-aevil"}).ok);
  EXPECT_FALSE(kong.read({"gmail", "search", "--max", "-5"}).ok);
  EXPECT_TRUE(kong.read({"gmail", "search", "--label", "a\\,-b"}).ok);
  EXPECT_FALSE(kong.read({"gmail", "search", "--label", "a,-b"}).ok);
  EXPECT_FALSE(kong.read({"gmail", "search", "--home=/x"}).ok);
}

TEST(GateArgvProperty, GateNeverAllowsAReadingKongDisagreesWith) {
  const auto& f = fixture();
  const testing::KongReader kong(f.root, f.globals);
  std::mt19937_64 random(22);
  auto next = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  std::size_t allowed = 0;
  std::size_t refused_by_kong = 0;
  constexpr int kRuns = 200000;
  for (int i = 0; i < kRuns; ++i) {
    const auto args = testing::ArgvGenerator::make(next);
    const auto why = testing::disagreement(f.policy, kong, args);
    ASSERT_EQ(why, "") << ::testing::PrintToString(args);
    allowed += read_gog_argv(f.policy, args).ok ? 1 : 0;
    refused_by_kong += kong.read(args).ok ? 0 : 1;
  }
  // The generator must reach both sides, or the property says nothing.
  EXPECT_GT(allowed, 1000u);
  EXPECT_GT(refused_by_kong, 1000u);
}

}  // namespace
}  // namespace openclawd::gate
