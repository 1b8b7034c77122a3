#pragma once
// The body of an OpenAI Chat Completions request as the gateway needs it: the
// messages with their roles and text, and where each message's "content"
// value sits in the original bytes, so a replaced message is spliced in and
// everything else goes upstream byte for byte. The body comes from a guest
// that may be compromised: every shape error is a clear message, duplicate
// keys inside the messages are refused (parsers disagree on which one wins).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"

namespace openclawd::inference {

struct ChatMessage {
  std::string role;       // system, developer, user, assistant, tool, function
  std::string text;       // the content as text: the string, or the text parts joined by "\n"
  bool has_text = false;  // content was a string or had text parts
  // The byte span of the "content" value in the body (begin == end: none).
  std::size_t content_begin = 0;
  std::size_t content_end = 0;
  std::string tool_call_id;  // role tool: the call it answers
  std::string name;          // role function: the function's name
};

struct ChatRequest {
  std::string model;
  bool stream = false;
  std::vector<ChatMessage> messages;
  // tool_call_id -> function name, from the assistant messages' tool_calls.
  std::map<std::string, std::string> tool_names;
};

// Deepest nesting accepted in a request.
inline constexpr std::size_t kMaxRequestDepth = 64;

Result<ChatRequest> parse_chat_request(std::string_view body);

// One replacement of a message's content value.
struct ContentReplacement {
  std::size_t message = 0;
  std::string text;  // the new content, a plain string
};

// `body` with each listed message's content value replaced by a JSON string
// of its text; the rest is left as it was, byte for byte.
std::string splice_contents(std::string_view body, const ChatRequest& request,
                            std::vector<ContentReplacement> replacements);

}  // namespace openclawd::inference
