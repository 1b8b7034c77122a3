#pragma once
// The control protocol (docs/control-protocol.md), in the style of ISC Kea:
// one JSON object per line in each direction.
//   request:  {"command": "status", "arguments": {...}}
//   response: {"result": 0, "text": "...", "arguments": {...}}

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclawd/core/result.hpp"

namespace openclawd::control {

enum class ResultCode : int {
  success = 0,
  error = 1,        // the command ran and failed
  unsupported = 2,  // no such command
  denied = 3,       // the peer may not run this command
  bad_request = 4,  // malformed, oversized or timed-out request
};

struct Request {
  std::string command;
  nlohmann::json arguments = nlohmann::json::object();
};

struct Response {
  ResultCode result = ResultCode::success;
  std::string text;
  nlohmann::json arguments;  // null when there is nothing to return

  static Response ok(std::string text, nlohmann::json arguments = nullptr) {
    return {ResultCode::success, std::move(text), std::move(arguments)};
  }
  static Response failure(ResultCode code, std::string text) {
    return {code, std::move(text), nullptr};
  }
};

// Parses one request line (without its newline). Never throws; every problem
// is an Error whose message can be sent back to the client as is.
Result<Request> parse_request(std::string_view line);
// One line, without the trailing newline.
std::string serialize_request(const Request& request);

std::string serialize_response(const Response& response);
Result<Response> parse_response(std::string_view line);

}  // namespace openclawd::control
