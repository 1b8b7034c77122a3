// Real kernel audit (root): a watch on a secrets directory reports a read by
// another process with the right VM and key, marks the daemon's own writes,
// leaves other rules alone and is gone after stop. Audit rules are global
// kernel state, so every key and directory here is unique to this test run and
// everything is removed even when an assertion fails.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "common/process.hpp"
#include "common/temp_dir.hpp"
#include "openclawd/audit/audit_monitor.hpp"
#include "openclawd/secrets/file_writer.hpp"

namespace openclawd::audit {
namespace {

using openclawd::testing::run_command;
using openclawd::testing::TempDir;

std::string audit_rules() {
  return run_command({"auditctl", "-l"}).out;
}

class AuditWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "kernel audit needs root";
    auto kernel = KernelAudit::open();
    if (!kernel) GTEST_SKIP() << kernel.error().message;
    auto state = kernel->status();
    ASSERT_TRUE(state.ok()) << state.error().message;
    if (state->enabled == 2) GTEST_SKIP() << "audit configuration is locked (enabled 2)";
    enabled_before_ = state->enabled;
    prefix_ = "ocdtest-" + std::to_string(::getpid()) + "-";
    secrets_ = dir_ / "secrets" / "testvm";
    other_ = dir_ / "other";
    std::filesystem::create_directories(secrets_);
    std::filesystem::create_directories(other_);
  }

  void TearDown() override {
    if (prefix_.empty()) return;
    // Whatever happened above: no rule of ours survives, the audit state is as before.
    run_command({"auditctl", "-W", secrets_.string(), "-p", "rwa", "-k", prefix_ + "testvm"});
    run_command({"auditctl", "-W", other_.string(), "-p", "rwa", "-k", prefix_ + "other"});
    run_command({"auditctl", "-e", std::to_string(enabled_before_)});
  }

  // Runs the loop until `done` or 10 s.
  template <typename Predicate>
  bool run_until(boost::asio::io_context& io, Predicate done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(std::chrono::milliseconds(50));
    }
    return done();
  }

  TempDir dir_;
  std::filesystem::path secrets_;
  std::filesystem::path other_;
  std::string prefix_;
  std::uint32_t enabled_before_ = 0;
};

TEST_F(AuditWatchTest, ReportsAReadByAnotherProcessWithVmAndKeyAndRemovesItsRuleOnStop) {
  // Someone else's rule, which must survive our start and stop.
  auto other_rule =
      run_command({"auditctl", "-w", other_.string(), "-p", "rwa", "-k", prefix_ + "other"});
  ASSERT_EQ(other_rule.exit_code, 0) << other_rule.err;

  boost::asio::io_context io;
  AuditSettings settings;
  settings.watches = {{"testvm", secrets_}};
  settings.log_file = dir_ / "log" / "audit.jsonl";
  settings.key_prefix = prefix_;
  AuditMonitor monitor(io, settings);
  std::vector<nlohmann::json> lines;
  monitor.set_listener([&](const nlohmann::json& line) { lines.push_back(line); });
  auto started = monitor.start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_NE(audit_rules().find("-k " + prefix_ + "testvm"), std::string::npos) << audit_rules();

  // The daemon's own write, then a read by another process (cat).
  // Written from a thread started now: the kernel gives a task an audit context
  // only if audit had ever been enabled when it was created, and on a freshly
  // booted host this test process is older than the monitor's enabling.
  bool written = false;
  std::thread([&] {
    written = secrets::write_file_atomically(secrets_ / "gateway-token", "tok\n", 0440).ok();
  }).join();
  ASSERT_TRUE(written);
  auto cat = run_command({"/bin/cat", (secrets_ / "gateway-token").string()});
  ASSERT_EQ(cat.exit_code, 0);
  ASSERT_EQ(cat.out, "tok\n");

  // The kernel reports the resolved executable (/bin is a link to usr/bin on merged-/usr hosts).
  const std::string cat_exe = std::filesystem::canonical("/bin/cat").string();
  auto is_cat_read = [&](const nlohmann::json& line) {
    return line["exe"] == cat_exe && line["path"] == (secrets_ / "gateway-token").string();
  };
  auto seen = [&] {
    std::string text;
    for (const auto& line : lines) text += line.dump() + "\n";
    return text;
  };
  auto find_cat = [&]() -> const nlohmann::json* {
    for (const auto& line : lines) {
      if (is_cat_read(line)) return &line;
    }
    return nullptr;
  };
  auto own_write_seen = [&] {
    for (const auto& line : lines) {
      if (line["own"] == true && line["syscall"] == "rename") return true;
    }
    return false;
  };
  ASSERT_TRUE(run_until(io, [&] { return find_cat() != nullptr && own_write_seen(); }))
      << "missing the cat read or the own write; got " << lines.size() << " events:\n"
      << seen();
  const nlohmann::json read = *find_cat();
  EXPECT_EQ(read["vm"], "testvm");
  EXPECT_EQ(read["key"], prefix_ + "testvm");
  EXPECT_EQ(read["success"], true);
  EXPECT_EQ(read["own"], false);
  EXPECT_EQ(read["uid"], 0);
  EXPECT_NE(read["pid"], static_cast<std::int64_t>(::getpid()));
  EXPECT_TRUE(read["syscall"] == "openat" || read["syscall"] == "open") << read.dump();
  EXPECT_FALSE(read["ts"].get<std::string>().empty());

  for (const auto& line : lines) {
    if (line["own"] == true) {
      EXPECT_EQ(line["pid"], static_cast<std::int64_t>(::getpid()));
    }
  }
  EXPECT_GE(monitor.counters().by_vm.at("testvm"), 2u);
  EXPECT_GE(monitor.status()["own_accesses"].get<int>(), 1);

  monitor.stop();
  // The JSON lines file has the read.
  std::ifstream log(settings.log_file);
  std::string text;
  bool logged = false;
  while (std::getline(log, text)) {
    auto line = nlohmann::json::parse(text);
    if (is_cat_read(line) && line["vm"] == "testvm") logged = true;
  }
  EXPECT_TRUE(logged);

  const std::string rules = audit_rules();
  EXPECT_EQ(rules.find(prefix_ + "testvm"), std::string::npos) << rules;
  EXPECT_NE(rules.find(prefix_ + "other"), std::string::npos) << rules;
  auto state = KernelAudit::open()->status();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->enabled, enabled_before_);
}

TEST_F(AuditWatchTest, AccessesOutsideTheWatchedDirectoryAreNotReported) {
  boost::asio::io_context io;
  AuditSettings settings;
  settings.watches = {{"testvm", secrets_}};
  settings.key_prefix = prefix_;
  AuditMonitor monitor(io, settings);
  std::vector<nlohmann::json> lines;
  monitor.set_listener([&](const nlohmann::json& line) { lines.push_back(line); });
  ASSERT_TRUE(monitor.start().ok());
  const auto outside = dir_.write("not-a-secret", "x");
  ASSERT_EQ(run_command({"/bin/cat", outside.string()}).exit_code, 0);
  // A marker read inside, so we know the events before it were seen.
  const auto marker = secrets_ / "marker";
  std::ofstream(marker) << "m";
  ASSERT_EQ(run_command({"/bin/cat", marker.string()}).exit_code, 0);
  ASSERT_TRUE(run_until(io, [&] {
    for (const auto& line : lines) {
      if (line["path"] == marker.string() && line["exe"] == "/usr/bin/cat") return true;
    }
    return false;
  }));
  for (const auto& line : lines) EXPECT_NE(line["path"], outside.string());
  monitor.stop();
  EXPECT_EQ(audit_rules().find(prefix_ + "testvm"), std::string::npos);
}

}  // namespace
}  // namespace openclawd::audit
