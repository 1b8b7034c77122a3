// Fuzzes what comes back from the (untrusted) LLM API and what goes through
// redaction: the chat-completions body parser, the verdict parsers and the
// redactor must give a value or an error for any bytes, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "openclawd/judge/chat_client.hpp"
#include "openclawd/judge/redactor.hpp"
#include "openclawd/judge/verdict.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static openclawd::judge::Redactor redactor;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto content = openclawd::judge::parse_chat_response(text);
  const std::string& answer = content.ok() ? *content : text;
  auto verdict = openclawd::judge::parse_judge_verdict(answer);
  if (verdict.ok() && (verdict->confidence < 0.0 || verdict->confidence > 1.0)) __builtin_trap();
  auto intent = openclawd::judge::parse_intent_verdict(answer);
  if (intent.ok() && (intent->confidence < 0.0 || intent->confidence > 1.0)) __builtin_trap();
  auto redaction = redactor.redact(text);
  (void)redaction.text.size();
  return 0;
}
