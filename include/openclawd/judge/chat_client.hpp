#pragma once
// A client of the OpenAI-compatible chat-completions API
// (POST {base_url}/chat/completions). One call is one HTTP attempt; retries,
// the circuit breaker and caching live in Judge.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/judge/settings.hpp"

namespace openclawd::judge {

struct ChatMessage {
  std::string role;  // "system" | "user"
  std::string content;
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  std::string schema_name;     // response_format.json_schema.name
  nlohmann::json json_schema;  // the strict schema of the expected answer
  std::chrono::milliseconds timeout{3000};
};

enum class ChatFailureKind {
  timeout,       // no complete answer in time
  transport,     // connect refused, reset, TLS, DNS
  http_status,   // a non-2xx answer
  bad_response,  // 2xx but not a chat completion (malformed JSON, no content)
};

std::string_view to_string(ChatFailureKind kind);

struct ChatFailure {
  ChatFailureKind kind = ChatFailureKind::transport;
  long http_status = 0;
  std::string message;  // never contains the API key

  // Worth another attempt: transport errors, timeouts, 429 and 5xx.
  bool retryable() const;
};

struct ChatResult {
  std::optional<std::string> content;  // choices[0].message.content
  ChatFailure failure;                 // when !content
  bool schema_fallback = false;        // the server rejected response_format; resent without

  bool ok() const { return content.has_value(); }
};

class ChatClient {
 public:
  virtual ~ChatClient() = default;
  virtual ChatResult complete(const ChatRequest& request) = 0;
};

// The libcurl client. Reads the API key file once here: a missing or unreadable
// file is an error naming the file. Thread-safe: every call uses its own handle.
Result<std::unique_ptr<ChatClient>> make_curl_chat_client(const JudgeSettings& settings);

// The request body for `request` (exposed for tests and for the decision log's
// size figures). with_schema=false leaves response_format out.
nlohmann::json chat_request_body(const JudgeSettings& settings, const ChatRequest& request,
                                 bool with_schema);

// Extracts choices[0].message.content from a chat-completions response body.
Result<std::string> parse_chat_response(std::string_view body);

}  // namespace openclawd::judge
