#include "openclawd/control/protocol.hpp"

namespace openclawd::control {
namespace {

Result<nlohmann::json> parse_object(std::string_view line, std::string_view what) {
  // Parsing without exceptions: a discarded value means invalid JSON.
  auto json = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (json.is_discarded()) return make_error(std::string(what) + " is not valid JSON");
  if (!json.is_object()) return make_error(std::string(what) + " must be a JSON object");
  return json;
}

}  // namespace

Result<Request> parse_request(std::string_view line) {
  auto parsed = parse_object(line, "the request");
  if (!parsed) return parsed.error();
  const auto& json = *parsed;
  Request request;
  for (const auto& [key, value] : json.items()) {
    if (key == "command") {
      if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
        return make_error("\"command\" must be a non-empty string");
      }
      request.command = value.get<std::string>();
    } else if (key == "arguments") {
      if (!value.is_object() && !value.is_null()) {
        return make_error("\"arguments\" must be an object");
      }
      if (value.is_object()) request.arguments = value;
    } else {
      return make_error("unknown key \"" + key +
                        "\" in the request (expected \"command\" and \"arguments\")");
    }
  }
  if (request.command.empty()) return make_error("the request has no \"command\"");
  return request;
}

std::string serialize_request(const Request& request) {
  nlohmann::json json = {{"command", request.command}};
  if (!request.arguments.empty()) json["arguments"] = request.arguments;
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string serialize_response(const Response& response) {
  nlohmann::json json = {{"result", static_cast<int>(response.result)}, {"text", response.text}};
  if (!response.arguments.is_null()) json["arguments"] = response.arguments;
  // Invalid UTF-8 from a handler must not make the daemon throw.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Response> parse_response(std::string_view line) {
  auto parsed = parse_object(line, "the daemon's response");
  if (!parsed) return parsed.error();
  const auto& json = *parsed;
  auto result = json.find("result");
  if (result == json.end() || !result->is_number_integer()) {
    return make_error("the daemon's response has no integer \"result\"");
  }
  Response response;
  response.result = static_cast<ResultCode>(result->get<int>());
  if (auto text = json.find("text"); text != json.end() && text->is_string()) {
    response.text = text->get<std::string>();
  }
  if (auto args = json.find("arguments"); args != json.end()) response.arguments = *args;
  return response;
}

}  // namespace openclawd::control
