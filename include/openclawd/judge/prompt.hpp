#pragma once
// The judge's prompts. The text under judgement travels as a JSON string
// value, so nothing in it can close a delimiter and pose as instructions.

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/defender/layer.hpp"
#include "openclawd/judge/chat_client.hpp"

namespace openclawd::judge {

// How far a source is trusted: "external" (web pages, email, tool results),
// "user" (the owner's own chat messages), "agent" (the agent's own outbound
// messages and tool calls).
std::string_view source_trust(std::string_view source);

struct TextPromptInput {
  std::string_view source;
  std::string_view redacted_text;
  bool truncated = false;
  std::span<const defender::Finding> prior_findings;  // evidence is redacted by the caller
};

struct IntentPromptInput {
  std::string_view user_request;  // redacted; empty: not known
  std::string_view tool_name;
  std::string_view redacted_arguments;  // the call's arguments as JSON text, redacted
};

std::vector<ChatMessage> build_text_prompt(const TextPromptInput& input);
std::vector<ChatMessage> build_intent_prompt(const IntentPromptInput& input);

}  // namespace openclawd::judge
