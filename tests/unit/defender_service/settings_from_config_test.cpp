// /defender in the config file and its conversion to DefenderServiceSettings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "common/temp_dir.hpp"
#include "openclawd/config/config.hpp"
#include "openclawd/defender_service/defender_service.hpp"

namespace openclawd::defender_service {
namespace {

nlohmann::json config_with_defender(nlohmann::json defender) {
  return {{"version", 1},
          {"network", {{"bridge", "ocdtestbr"}, {"address", "192.168.83.1/24"}}},
          {"dns", {{"enabled", false}}},
          {"defender", std::move(defender)},
          {"vms", nlohmann::json::array()}};
}

std::string errors_of(const nlohmann::json& defender) {
  auto config = config::parse_config(config_with_defender(defender), "/tmp/ocd-defender.json");
  return config.ok() ? std::string() : config.error().message;
}

TEST(DefenderSettings, TheJudgeIsOffUnlessTheConfigTurnsItOn) {
  auto config = config::parse_config(config_with_defender({{"judge", {{"model", "m"}}}}),
                                     "/tmp/ocd-defender.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_FALSE(config->defender.judge.enabled);
  EXPECT_FALSE(settings_from_config(*config, {}).judge_enabled);
  auto on = config::parse_config(config_with_defender({{"judge", {{"enabled", true}}}}),
                                 "/tmp/ocd-defender.json");
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(settings_from_config(*on, {}).judge_enabled);
}

TEST(DefenderSettings, DefaultsTakeLoopbackAndTheBridgeSubnetAndTheVmTokens) {
  auto config = config::parse_config(config_with_defender({{"listen", "192.168.83.1:8787"}}),
                                     "/tmp/ocd-defender.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto settings = settings_from_config(*config, {"/state/secrets/openclaw/defender-token"});
  ASSERT_TRUE(settings.api);
  ASSERT_EQ(settings.api->clients.size(), 2u);
  EXPECT_EQ(settings.api->clients[0].to_string(), "127.0.0.0/8");
  EXPECT_EQ(settings.api->clients[1].to_string(), "192.168.83.0/24");
  ASSERT_EQ(settings.api->token_files.size(), 1u);
  EXPECT_EQ(settings.api->token_files[0], "/state/secrets/openclaw/defender-token");
  EXPECT_EQ(settings.pipeline.max_input_bytes, 1024u * 1024u);
  EXPECT_FALSE(settings.log.log_inputs);
}

TEST(DefenderSettings, ReadsEveryKey) {
  auto config =
      config::parse_config(config_with_defender({{"listen", "127.0.0.1:0"},
                                                 {"max_input_bytes", 5000},
                                                 {"time_budget_ms", 700},
                                                 {"log_inputs", true},
                                                 {"token_file", "/etc/openclawd/defender-token"},
                                                 {"clients", {"10.1.0.0/16"}},
                                                 {"max_body_bytes", 9000},
                                                 {"max_concurrent_scans", 3},
                                                 {"max_connections", 7},
                                                 {"request_timeout_ms", 1500},
                                                 {"judge", {{"band", {0.4, 0.6}}}}}),
                           "/tmp/ocd-defender.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto settings = settings_from_config(*config, {"/ignored"});
  EXPECT_EQ(settings.pipeline.max_input_bytes, 5000u);
  EXPECT_EQ(settings.pipeline.time_budget, std::chrono::milliseconds(700));
  EXPECT_EQ(settings.pipeline.escalation_low, 0.4);
  EXPECT_EQ(settings.pipeline.escalation_high, 0.6);
  EXPECT_TRUE(settings.log.log_inputs);
  EXPECT_EQ(settings.max_concurrent_scans, 3u);
  ASSERT_TRUE(settings.api);
  EXPECT_EQ(settings.api->token_files,
            std::vector<std::filesystem::path>{"/etc/openclawd/defender-token"});
  ASSERT_EQ(settings.api->clients.size(), 1u);
  EXPECT_EQ(settings.api->clients[0].to_string(), "10.1.0.0/16");
  EXPECT_EQ(settings.api->max_body_bytes, 9000u);
  EXPECT_EQ(settings.api->max_connections, 7u);
  EXPECT_EQ(settings.api->request_timeout, std::chrono::milliseconds(1500));
  auto resolved = config::to_json(*config);
  EXPECT_EQ(resolved["defender"]["max_input_bytes"], 5000);
  EXPECT_EQ(resolved["defender"]["clients"][0], "10.1.0.0/16");
}

TEST(DefenderSettings, BadValuesAreReportedWithTheirPointer) {
  EXPECT_NE(errors_of({{"max_input_bytes", 0}}).find("/defender/max_input_bytes"),
            std::string::npos);
  EXPECT_NE(errors_of({{"clients", {"10.0.0.0"}}}).find("/defender/clients/0"), std::string::npos);
  EXPECT_NE(errors_of({{"max_concurrent_scans", "4"}}).find("/defender/max_concurrent_scans"),
            std::string::npos);
  EXPECT_NE(errors_of({{"log_inputs", 1}}).find("/defender/log_inputs"), std::string::npos);
}

TEST(DefenderSettings, SecretValuesComeFromFilesAndEnvLines) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ocd-defender-secrets-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "gateway-token") << "tok-0123456789abcdef\n";
  std::ofstream(dir / "gateway-env") << "A=alpha-secret-1\nB=\"beta-secret-2\"\n";
  auto values = read_secret_values({dir, dir / "missing"});
  std::filesystem::remove_all(dir);
  auto has = [&](const std::string& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  EXPECT_TRUE(has("tok-0123456789abcdef"));
  EXPECT_TRUE(has("alpha-secret-1"));
  EXPECT_TRUE(has("beta-secret-2"));
}

}  // namespace
}  // namespace openclawd::defender_service

namespace openclawd::defender_service {
namespace {

// Layer 2 is built with the service: a model directory without a model stops
// the start with an error naming the classifier, instead of failing scans later.
TEST(DefenderSettings, ClassifiersReachTheServiceAndABrokenModelStopsItsStart) {
  openclawd::testing::TempDir dir;
  std::filesystem::create_directories(dir / "empty-model");
  auto config = config::parse_config(
      config_with_defender(
          {{"rules", (openclawd::testing::source_dir() / "policies/defender/rules.json").string()},
           {"classifiers", {{{"name", "pg2"}, {"model_dir", (dir / "empty-model").string()}}}}}),
      dir / "openclawd.json");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto settings = settings_from_config(*config, {});
  ASSERT_EQ(settings.classifiers.size(), 1u);
  EXPECT_EQ(settings.classifiers[0].name, "pg2");
  settings.log.file.clear();  // no decision log under /var/log in a unit test
  boost::asio::io_context io;
  control::CommandRegistry commands;
  auto service = DefenderService::create(io, std::move(settings), commands);
  ASSERT_FALSE(service.ok());
  EXPECT_NE(service.error().message.find("classifiers/0"), std::string::npos)
      << service.error().message;
}

}  // namespace
}  // namespace openclawd::defender_service
