// The control protocol parser and the command registry: malformed requests,
// unknown commands and unauthorized peers get error responses.
#include "openclawd/control/protocol.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "openclawd/control/command_registry.hpp"

namespace openclawd::control {
namespace {

using ::testing::HasSubstr;

TEST(ParseRequest, AcceptsCommandWithArguments) {
  auto request = parse_request(R"({"command": "start", "arguments": {"vms": ["gogcli"]}})");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->command, "start");
  EXPECT_EQ(request->arguments["vms"][0], "gogcli");
}

TEST(ParseRequest, ArgumentsDefaultToEmptyObject) {
  auto request = parse_request(R"({"command": "status"})");
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(request->arguments.is_object());
  EXPECT_TRUE(request->arguments.empty());
}

TEST(ParseRequest, RejectsMalformedInput) {
  struct Case {
    const char* line;
    const char* message;
  };
  const Case cases[] = {
      {"", "not valid JSON"},
      {"{\"command\": ", "not valid JSON"},
      {"[\"status\"]", "must be a JSON object"},
      {"\"status\"", "must be a JSON object"},
      {"{}", "has no \"command\""},
      {"{\"command\": 7}", "\"command\" must be a non-empty string"},
      {"{\"command\": \"\"}", "\"command\" must be a non-empty string"},
      {"{\"command\": \"status\", \"arguments\": []}", "\"arguments\" must be an object"},
      {"{\"command\": \"status\", \"argument\": {}}", "unknown key \"argument\""},
      {"{\"command\": \"st\xff\"}", "not valid JSON"},
  };
  for (const auto& c : cases) {
    auto request = parse_request(c.line);
    ASSERT_FALSE(request.ok()) << c.line;
    EXPECT_THAT(request.error().message, HasSubstr(c.message)) << c.line;
  }
}

TEST(Response, RoundTrips) {
  auto line = serialize_response(Response::ok("fine", {{"x", 1}}));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto parsed = parse_response(line);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->result, ResultCode::success);
  EXPECT_EQ(parsed->text, "fine");
  EXPECT_EQ(parsed->arguments["x"], 1);
}

TEST(Response, InvalidUtf8FromAHandlerDoesNotThrow) {
  auto line = serialize_response(Response::ok(std::string("bad \xff byte")));
  EXPECT_THAT(line, HasSubstr("bad"));
}

class RegistryTest : public ::testing::Test {
 protected:
  Response run(const std::string& command, bool privileged) {
    Peer peer;
    peer.uid = privileged ? 0 : 1000;
    peer.may_change_state = privileged;
    std::optional<Response> out;
    int calls = 0;
    registry_.dispatch({command, nlohmann::json::object()}, peer, [&](Response r) {
      ++calls;
      out = std::move(r);
    });
    EXPECT_EQ(calls, 1);
    return out.value_or(Response{});
  }
  CommandRegistry registry_;
};

TEST_F(RegistryTest, ListCommandsIsBuiltIn) {
  registry_.add_sync("version", "v", false,
                     [](const Request&, const Peer&) { return Response::ok("1"); });
  auto response = run("list-commands", false);
  EXPECT_EQ(response.result, ResultCode::success);
  ASSERT_TRUE(response.arguments.is_array());
  std::vector<std::string> names;
  for (const auto& c : response.arguments) names.push_back(c["name"]);
  EXPECT_THAT(names, ::testing::ElementsAre("list-commands", "version"));
}

TEST_F(RegistryTest, UnknownCommand) {
  auto response = run("reboot-everything", true);
  EXPECT_EQ(response.result, ResultCode::unsupported);
  EXPECT_THAT(response.text, HasSubstr("unknown command \"reboot-everything\""));
}

TEST_F(RegistryTest, UnauthorizedPeerCannotChangeState) {
  bool ran = false;
  registry_.add_sync("stop", "stop", true, [&](const Request&, const Peer&) {
    ran = true;
    return Response::ok("stopped");
  });
  auto response = run("stop", false);
  EXPECT_EQ(response.result, ResultCode::denied);
  EXPECT_THAT(response.text, HasSubstr("only root or the control group"));
  EXPECT_FALSE(ran);
  EXPECT_EQ(run("stop", true).result, ResultCode::success);
  EXPECT_TRUE(ran);
}

TEST_F(RegistryTest, ReadOnlyCommandsNeedNoPrivilege) {
  registry_.add_sync("status", "s", false,
                     [](const Request&, const Peer&) { return Response::ok("ok"); });
  EXPECT_EQ(run("status", false).result, ResultCode::success);
}

TEST_F(RegistryTest, ThrowingHandlerBecomesAnErrorResponse) {
  registry_.add_sync("boom", "b", false, [](const Request&, const Peer&) -> Response {
    throw std::runtime_error("kaput");
  });
  auto response = run("boom", false);
  EXPECT_EQ(response.result, ResultCode::error);
  EXPECT_THAT(response.text, HasSubstr("kaput"));
}

TEST_F(RegistryTest, HandlerReplyingTwiceIsAnsweredOnce) {
  registry_.add("twice", {"t", false, [](const Request&, const Peer&, Reply reply) {
                            reply(Response::ok("one"));
                            reply(Response::ok("two"));
                          }});
  EXPECT_EQ(run("twice", false).text, "one");
}

}  // namespace
}  // namespace openclawd::control
