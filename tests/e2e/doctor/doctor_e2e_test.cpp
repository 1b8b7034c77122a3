// The real `openclawd doctor --json` binary as root, in a network namespace
// of its own (forwarding off, as a new namespace starts): the findings are
// JSON, every check is there with its fix, and the exit code follows them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>

#include "common/netns.hpp"
#include "common/process.hpp"
#include "common/temp_dir.hpp"

namespace openclawd {
namespace {

using ::testing::HasSubstr;

class DoctorE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: the doctor reads what the daemon would";
    config_ = {{"version", 1},
               {"state_dir", (dir_.path() / "state").string()},
               {"log_dir", (dir_.path() / "log").string()},
               {"control_socket", (dir_.path() / "control.sock").string()},
               {"network", {{"bridge", "ocdbr0"}, {"address", "192.168.83.1/24"}, {"nat", true}}},
               {"dns", {{"enabled", false}}},
               {"audit", {{"enabled", false}}},
               {"vms", nlohmann::json::array()}};
  }
  struct Outcome {
    int exit_code = -1;
    nlohmann::json report;
    std::string err;
  };
  Outcome doctor(const std::string& config_text) {
    const auto file = dir_.write("openclawd.json", config_text);
    auto r = testing::run_command(testing::in_private_netns({testing::openclawd_binary(), "doctor",
                                                             "--json", "--config", file.string()}),
                                  std::chrono::seconds(120));
    Outcome outcome{r.exit_code, nlohmann::json::parse(r.out, nullptr, false), r.err};
    return outcome;
  }
  static const nlohmann::json& check(const nlohmann::json& report, const std::string& name) {
    for (const auto& c : report["checks"]) {
      if (c["check"] == name) return c;
    }
    static const nlohmann::json none;
    ADD_FAILURE() << "no check " << name << " in " << report.dump();
    return none;
  }

  testing::TempDir dir_;
  nlohmann::json config_;
};

TEST_F(DoctorE2E, ReportsEveryCheckAndExitsByTheFindings) {
  auto outcome = doctor(config_.dump());
  ASSERT_FALSE(outcome.report.is_discarded()) << outcome.err;
  std::set<std::string> names;
  for (const auto& c : outcome.report["checks"]) {
    names.insert(c["check"].get<std::string>());
    EXPECT_FALSE(c["finding"].get<std::string>().empty()) << c.dump();
    const auto severity = c["severity"].get<std::string>();
    EXPECT_TRUE(severity == "ok" || severity == "info" || severity == "warning" ||
                severity == "error")
        << c.dump();
    if (severity == "warning" || severity == "error") {
      EXPECT_FALSE(c["fix"].get<std::string>().empty())
          << "a problem comes with its fix: " << c.dump();
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"config", "kvm", "forwarding", "br_netfilter", "nftables",
                                          "audit", "libvirt", "virtiofsd", "disk_space"}));
  EXPECT_EQ(outcome.exit_code, outcome.report["ok"] == true ? 0 : 1) << outcome.report.dump(2);
  EXPECT_EQ(check(outcome.report, "config")["severity"], "ok");
  EXPECT_EQ(check(outcome.report, "nftables")["severity"], "ok") << "root in its own netns";
  // The namespace forwards nothing and the bridge does not exist yet: the
  // daemon would turn forwarding on, so that is no problem.
  const auto forwarding = check(outcome.report, "forwarding");
  EXPECT_EQ(forwarding["severity"], "ok") << forwarding.dump();
  EXPECT_THAT(forwarding["finding"].get<std::string>(), HasSubstr("net.ipv4.ip_forward=0"));
  EXPECT_THAT(forwarding["finding"].get<std::string>(), HasSubstr("the daemon turns it on"));
}

TEST_F(DoctorE2E, UnmanagedForwardingThatIsOffIsAProblemNamingTheSysctl) {
  config_["network"]["manage_forwarding"] = false;
  auto outcome = doctor(config_.dump());
  ASSERT_FALSE(outcome.report.is_discarded()) << outcome.err;
  const auto forwarding = check(outcome.report, "forwarding");
  EXPECT_EQ(forwarding["severity"], "warning") << forwarding.dump();
  EXPECT_THAT(forwarding["fix"].get<std::string>(), HasSubstr("sysctl -w net.ipv4.ip_forward=1"));
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_EQ(outcome.report["ok"], false);
}

TEST_F(DoctorE2E, AnInvalidConfigIsAFindingNotACrash) {
  config_["network"].erase("address");
  auto outcome = doctor(config_.dump());
  ASSERT_FALSE(outcome.report.is_discarded()) << outcome.err;
  EXPECT_EQ(outcome.exit_code, 1);
  const auto config = check(outcome.report, "config");
  EXPECT_EQ(config["severity"], "error");
  EXPECT_THAT(config["finding"].get<std::string>(), HasSubstr("/network/address"));
  EXPECT_EQ(check(outcome.report, "nftables")["severity"], "ok") << "host checks still ran";

  auto garbage = doctor("{ not json");
  ASSERT_FALSE(garbage.report.is_discarded()) << garbage.err;
  EXPECT_EQ(garbage.exit_code, 1);
}

TEST_F(DoctorE2E, TextOutputHasAFixLineUnderEachProblem) {
  config_["network"]["manage_forwarding"] = false;
  const auto file = dir_.write("openclawd.json", config_.dump());
  auto r = testing::run_command(testing::in_private_netns(
      {testing::openclawd_binary(), "doctor", "--config", file.string()}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("warning  forwarding"));
  EXPECT_THAT(r.out, HasSubstr("fix: sysctl -w net.ipv4.ip_forward=1"));
  EXPECT_THAT(r.out, HasSubstr("found ("));
}

}  // namespace
}  // namespace openclawd
