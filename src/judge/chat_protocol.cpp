// The chat-completions wire format: request bodies and response parsing.
#include "openclawd/judge/chat_client.hpp"

namespace openclawd::judge {

std::string_view to_string(ChatFailureKind kind) {
  switch (kind) {
    case ChatFailureKind::timeout:
      return "timeout";
    case ChatFailureKind::transport:
      return "transport";
    case ChatFailureKind::http_status:
      return "http_status";
    case ChatFailureKind::bad_response:
      return "bad_response";
  }
  return "transport";
}

bool ChatFailure::retryable() const {
  switch (kind) {
    case ChatFailureKind::timeout:
    case ChatFailureKind::transport:
      return true;
    case ChatFailureKind::http_status:
      return http_status == 429 || http_status >= 500;
    case ChatFailureKind::bad_response:
      return false;
  }
  return false;
}

nlohmann::json chat_request_body(const JudgeSettings& settings, const ChatRequest& request,
                                 bool with_schema) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& message : request.messages) {
    messages.push_back({{"role", message.role}, {"content", message.content}});
  }
  nlohmann::json body = {
      {"model", settings.model}, {"messages", std::move(messages)},
      {"temperature", 0},        {"max_tokens", settings.max_tokens},
      {"stream", false},
  };
  if (with_schema && !request.json_schema.is_null()) {
    body["response_format"] = {
        {"type", "json_schema"},
        {"json_schema",
         {{"name", request.schema_name}, {"strict", true}, {"schema", request.json_schema}}},
    };
  }
  return body;
}

Result<std::string> parse_chat_response(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return make_error("chat-completions response is not JSON (" + std::to_string(body.size()) +
                      " bytes)");
  }
  if (!json.is_object()) return make_error("chat-completions response is not a JSON object");
  auto choices = json.find("choices");
  if (choices == json.end() || !choices->is_array() || choices->empty() ||
      !(*choices)[0].is_object()) {
    return make_error("chat-completions response has no /choices/0");
  }
  const auto& choice = (*choices)[0];
  auto message = choice.find("message");
  if (message == choice.end() || !message->is_object()) {
    return make_error("chat-completions response has no /choices/0/message");
  }
  auto content = message->find("content");
  if (content == message->end() || !content->is_string()) {
    // A refusal or a reasoning model that spent its tokens thinking: no answer.
    return make_error("chat-completions response has no text in /choices/0/message/content");
  }
  return content->get<std::string>();
}

}  // namespace openclawd::judge
