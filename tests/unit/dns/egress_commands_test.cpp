// The egress decision commands on the control registry: changing a decision
// needs the control socket's write permission; requests are checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "openclawd/dns/service.hpp"

namespace openclawd::dns {
namespace {

using ::testing::HasSubstr;

class EgressCommandsTest : public ::testing::Test {
 protected:
  EgressCommandsTest() {
    ResolverSettings settings;
    settings.guests = {{"openclaw", "192.168.83.2"}};
    server = std::make_unique<DnsServer>(io, settings);
    register_egress_commands(registry, *server);
  }

  control::Response run(const std::string& command, nlohmann::json arguments, bool writer) {
    control::Peer peer;
    peer.may_change_state = writer;
    control::Response out;
    registry.dispatch({command, std::move(arguments)}, peer,
                      [&](control::Response response) { out = std::move(response); });
    return out;
  }

  boost::asio::io_context io;
  std::unique_ptr<DnsServer> server;
  control::CommandRegistry registry;
};

TEST_F(EgressCommandsTest, ChangingADecisionNeedsWritePermission) {
  EXPECT_TRUE(registry.find("egress-allow")->changes_state);
  EXPECT_TRUE(registry.find("egress-deny")->changes_state);
  EXPECT_FALSE(registry.find("egress-pending")->changes_state);
  auto denied = run("egress-allow", {{"vm", "openclaw"}, {"name", "a.example"}}, false);
  EXPECT_EQ(denied.result, control::ResultCode::denied);
  EXPECT_EQ(run("egress-pending", nlohmann::json::object(), false).result,
            control::ResultCode::success);
  EXPECT_EQ(server->decisions().find("openclaw", "a.example", WallClock::now()), std::nullopt);
}

TEST_F(EgressCommandsTest, AllowDenyAndPendingRoundTrip) {
  server->decisions().note_pending("openclaw", "b.example", WallClock::now());
  auto listed = run("egress-pending", nlohmann::json::object(), false);
  ASSERT_EQ(listed.arguments["pending"].size(), 1u);
  EXPECT_EQ(listed.arguments["pending"][0]["name"], "b.example");

  auto allowed =
      run("egress-allow", {{"vm", "openclaw"}, {"name", "B.example."}, {"for_s", 600}}, true);
  ASSERT_EQ(allowed.result, control::ResultCode::success) << allowed.text;
  EXPECT_THAT(allowed.text, HasSubstr("allowed b.example for openclaw until "));
  EXPECT_EQ(allowed.arguments["decision"]["expires_in_s"], 600);
  listed = run("egress-pending", nlohmann::json::object(), false);
  EXPECT_TRUE(listed.arguments["pending"].empty());
  EXPECT_EQ(listed.arguments["decisions"][0]["decision"], "allow");

  auto denied = run("egress-deny", {{"vm", "openclaw"}, {"name", "b.example"}}, true);
  ASSERT_EQ(denied.result, control::ResultCode::success) << denied.text;
  EXPECT_EQ(server->decisions().find("openclaw", "b.example", WallClock::now()),
            EgressVerdict::deny);
}

TEST_F(EgressCommandsTest, BadRequestsNameTheFix) {
  auto missing = run("egress-allow", {{"vm", "openclaw"}}, true);
  EXPECT_EQ(missing.result, control::ResultCode::bad_request);
  EXPECT_THAT(missing.text, HasSubstr("egress-allow needs {\"vm\": VM, \"name\": NAME}"));
  auto vm = run("egress-deny", {{"vm", "nope"}, {"name", "a.example"}}, true);
  EXPECT_THAT(vm.text, HasSubstr("unknown VM 'nope' (configured: openclaw)"));
  auto name = run("egress-allow", {{"vm", "openclaw"}, {"name", "*.example"}}, true);
  EXPECT_THAT(name.text, HasSubstr("the character '*'"));
  auto duration =
      run("egress-allow", {{"vm", "openclaw"}, {"name", "a.example"}, {"for_s", -1}}, true);
  EXPECT_EQ(duration.result, control::ResultCode::bad_request);
  EXPECT_THAT(duration.text, HasSubstr("\"for_s\" must be a number of seconds"));
}

}  // namespace
}  // namespace openclawd::dns
