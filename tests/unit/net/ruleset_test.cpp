// The rule compiler: golden text for the reference deployment, and rejection
// of inconsistent settings with a message naming the culprit.
#include "openclawd/net/ruleset.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/temp_dir.hpp"
#include "reference_settings.hpp"

namespace openclawd::net {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path golden(const char* name) {
  return openclawd::testing::source_dir() / "tests/unit/net/golden" / name;
}

void expect_golden(const NetworkSettings& settings, const char* name) {
  auto ruleset = compile_ruleset(settings);
  ASSERT_TRUE(ruleset.ok()) << ruleset.error().message;
  const std::string text = render_text(*ruleset);
  if (std::getenv("OPENCLAWD_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden(name)) << text;
  }
  EXPECT_EQ(text, read(golden(name))) << "regenerate with OPENCLAWD_UPDATE_GOLDEN=1 if intended";
}

TEST(RulesetCompiler, ReferenceDeploymentMatchesGolden) {
  expect_golden(testing::reference_settings(), "reference.nft");
}

TEST(RulesetCompiler, AllowlistModeWithoutNatMatchesGolden) {
  auto s = testing::reference_settings();
  s.egress_mode = EgressMode::allowlist;
  s.nat = false;
  s.uplink.clear();
  expect_golden(s, "allowlist.nft");
}

TEST(RulesetCompiler, EveryMatchCarriesTheRegisterOperationsItsTextSays) {
  auto ruleset = compile_ruleset(testing::reference_settings());
  ASSERT_TRUE(ruleset.ok());
  for (const auto& table : ruleset->tables) {
    for (const auto& chain : table.chains) {
      for (const auto& rule : chain.rules) {
        for (const auto& m : rule.matches) {
          ASSERT_GT(m.load.length, 0u) << m.text;
          if (m.op == Match::Op::lookup) {
            EXPECT_EQ(m.text, "ip daddr @" + m.set_name);
          } else {
            EXPECT_EQ(m.value.size(), m.load.length) << m.text;
          }
          if (!m.mask.empty()) {
            EXPECT_EQ(m.mask.size(), m.load.length) << m.text;
          }
        }
      }
    }
  }
}

TEST(RulesetCompiler, FlowIsOneWayOnTheBridge) {
  auto ruleset = compile_ruleset(testing::reference_settings());
  ASSERT_TRUE(ruleset.ok());
  const std::string text = render_text(*ruleset);
  EXPECT_NE(text.find("iifname \"microvm-oc\" oifname \"microvm-gog\" ether type ip ip saddr "
                      "192.168.83.2 ip daddr 192.168.83.3 meta l4proto tcp th dport 22 accept"),
            std::string::npos);
  EXPECT_EQ(text.find("iifname \"microvm-gog\" oifname \"microvm-oc\" ether type ip ip saddr "
                      "192.168.83.3 ip daddr 192.168.83.2 meta l4proto tcp th dport 22"),
            std::string::npos);
}

struct BadCase {
  const char* what;
  void (*mutate)(NetworkSettings&);
  const char* expected_in_error;
};

TEST(RulesetCompiler, RejectsInconsistentSettings) {
  const BadCase cases[] = {
      {"unknown flow VM", [](NetworkSettings& s) { s.flows[0].to = "ghost"; }, "ghost"},
      {"flow to itself", [](NetworkSettings& s) { s.flows[0].to = "openclaw"; }, "flows/0"},
      {"bad proto", [](NetworkSettings& s) { s.flows[0].proto = "icmp"; }, "icmp"},
      {"port 0", [](NetworkSettings& s) { s.flows[0].port = 0; }, "flows/0"},
      {"guest outside subnet",
       [](NetworkSettings& s) { s.guests[0].ip = *Ipv4Address::parse("10.0.0.3"); }, "10.0.0.3"},
      {"guest on the bridge address",
       [](NetworkSettings& s) { s.guests[0].ip = *Ipv4Address::parse("192.168.83.1"); }, "gogcli"},
      {"duplicate ip", [](NetworkSettings& s) { s.guests[1].ip = s.guests[0].ip; }, "openclaw"},
      {"duplicate tap", [](NetworkSettings& s) { s.guests[1].tap = s.guests[0].tap; },
       "microvm-gog"},
      {"tap too long", [](NetworkSettings& s) { s.guests[0].tap = "a-very-long-tap-name"; },
       "a-very-long-tap-name"},
      {"bad VM name", [](NetworkSettings& s) { s.guests[0].name = "gog cli\""; }, "gog cli"},
      {"duplicate VM", [](NetworkSettings& s) { s.guests[1].name = "gogcli"; }, "twice"},
      {"unknown defender client",
       [](NetworkSettings& s) {
         s.host_ports = {{"defender", 8787, {"nobody"}}};
       },
       "nobody"},
      {"no bridge name", [](NetworkSettings& s) { s.bridge.clear(); }, "bridge name"},
      {"/32 bridge",
       [](NetworkSettings& s) { s.address = *Ipv4Interface::parse("192.168.83.1/32"); }, "/30"},
      {"zero drop-log rate", [](NetworkSettings& s) { s.drop_log_rate_per_s = 0; },
       "drop_log_rate_per_s"},
  };
  for (const auto& c : cases) {
    auto s = testing::reference_settings();
    c.mutate(s);
    auto result = compile_ruleset(s);
    ASSERT_FALSE(result.ok()) << c.what;
    EXPECT_NE(result.error().message.find(c.expected_in_error), std::string::npos)
        << c.what << ": " << result.error().message;
  }
}

}  // namespace
}  // namespace openclawd::net
