// /defender/judge in the config file and its conversion to JudgeSettings.
#include <gtest/gtest.h>

#include "openclawd/config/config.hpp"
#include "openclawd/judge/settings.hpp"

namespace openclawd::judge {
namespace {

nlohmann::json config_with_judge(nlohmann::json judge) {
  return {{"version", 1},
          {"network", {{"bridge", "ocdtestbr"}, {"address", "192.168.83.1/24"}}},
          {"dns", {{"enabled", false}}},
          {"defender", {{"judge", std::move(judge)}}},
          {"vms", nlohmann::json::array()}};
}

std::string errors_of(const nlohmann::json& judge) {
  auto config = config::parse_config(config_with_judge(judge), "/tmp/ocd-judge-test.json");
  return config.ok() ? std::string() : config.error().message;
}

TEST(JudgeConfig, DefaultsMatchTheJudgeModuleDefaults) {
  auto from_config = judge_settings_from(config::JudgeConfig{});
  JudgeSettings defaults;
  EXPECT_EQ(from_config.base_url, defaults.base_url);
  EXPECT_EQ(from_config.model, defaults.model);
  EXPECT_EQ(from_config.timeout, defaults.timeout);
  EXPECT_EQ(from_config.retries, defaults.retries);
  EXPECT_EQ(from_config.breaker_failure_threshold, defaults.breaker_failure_threshold);
  EXPECT_EQ(from_config.breaker_open_for, defaults.breaker_open_for);
  EXPECT_EQ(from_config.cache_entries, defaults.cache_entries);
  EXPECT_EQ(from_config.cache_ttl, defaults.cache_ttl);
  EXPECT_EQ(from_config.band_low, defaults.band_low);
  EXPECT_EQ(from_config.band_high, defaults.band_high);
  EXPECT_EQ(from_config.may_lower, defaults.may_lower);
  EXPECT_EQ(from_config.fail_mode_for("tool_call"), defaults.fail_mode_for("tool_call"));
  EXPECT_EQ(from_config.fail_mode_for("email"), defaults.fail_mode_for("email"));
  EXPECT_EQ(from_config.dangerous_tools, defaults.dangerous_tools);
  EXPECT_EQ(from_config.intent_block_confidence, defaults.intent_block_confidence);
  EXPECT_EQ(from_config.max_text_bytes, defaults.max_text_bytes);
}

TEST(JudgeConfig, ReadsEveryKey) {
  nlohmann::json judge = {{"base_url", "http://127.0.0.1:8080/v1"},
                          {"model", "local"},
                          {"timeout_ms", 1500},
                          {"retries", 2},
                          {"band", {0.3, 0.9}},
                          {"may_lower", true},
                          {"lower_min_confidence", 0.95},
                          {"fail_mode", {{"default", "closed"}, {"discord_message", "open"}}},
                          {"dangerous_tools", {"exec"}},
                          {"intent_block_confidence", 0.6},
                          {"cache_ttl_s", 30}};
  auto config = config::parse_config(config_with_judge(judge), "/tmp/ocd-judge-test.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto settings = judge_settings_from(config->defender.judge);
  EXPECT_EQ(settings.base_url, "http://127.0.0.1:8080/v1");
  EXPECT_EQ(settings.model, "local");
  EXPECT_EQ(settings.timeout, std::chrono::milliseconds{1500});
  EXPECT_EQ(settings.retries, 2);
  EXPECT_DOUBLE_EQ(settings.band_low, 0.3);
  EXPECT_DOUBLE_EQ(settings.band_high, 0.9);
  EXPECT_TRUE(settings.may_lower);
  EXPECT_DOUBLE_EQ(settings.lower_min_confidence, 0.95);
  EXPECT_EQ(settings.fail_mode_for("email"), FailMode::closed);
  EXPECT_EQ(settings.fail_mode_for("discord_message"), FailMode::open);
  EXPECT_EQ(settings.fail_mode_for("tool_call"), FailMode::closed);
  EXPECT_EQ(settings.dangerous_tools, std::vector<std::string>{"exec"});
  EXPECT_FALSE(settings.dangerous_commands.empty());  // not given: defaults kept
  EXPECT_EQ(settings.cache_ttl, std::chrono::seconds{30});
  auto resolved = config::to_json(*config);
  EXPECT_EQ(resolved["defender"]["judge"]["model"], "local");
  EXPECT_EQ(resolved["defender"]["judge"]["fail_mode"]["default"], "closed");
}

TEST(JudgeConfig, BadValuesAreReportedWithTheirPointer) {
  EXPECT_NE(errors_of({{"band", {0.8, 0.2}}}).find("/defender/judge/band"), std::string::npos);
  EXPECT_NE(
      errors_of({{"fail_mode", {{"email", "sometimes"}}}}).find("/defender/judge/fail_mode/email"),
      std::string::npos);
  EXPECT_NE(errors_of({{"base_url", "api.cerebras.ai"}}).find("/defender/judge/base_url"),
            std::string::npos);
  EXPECT_NE(errors_of({{"lower_min_confidence", 2}}).find("/defender/judge/lower_min_confidence"),
            std::string::npos);
  // Checked when the judge is enabled (it is off by default).
  EXPECT_NE(errors_of({{"enabled", true}, {"api_key_file", "/nonexistent/ocd-judge/key"}})
                .find("/defender/judge/api_key_file"),
            std::string::npos);
  EXPECT_EQ(errors_of({{"api_key_file", "/nonexistent/ocd-judge/key"}}), "");
  EXPECT_NE(errors_of({{"temperature", 0.7}}).find("/defender/judge/temperature"),
            std::string::npos);
}

}  // namespace
}  // namespace openclawd::judge
