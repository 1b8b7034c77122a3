#pragma once
// What the gateway writes where it took something out of a model call: short
// notices that name the defender rules, so the agent (and its owner) can see
// why a tool result, a message or a tool call is missing.

#include <string>
#include <string_view>

#include "openclawd/defender/scan.hpp"

namespace openclawd::inference {

// The unique rules of a result's findings that led to its action ("a, b"), or
// why it was refused unscanned.
std::string decisive_rules(const defender::ScanResult& result);

// Replaces a removed tool result ("tool"/"function") or user message.
std::string removal_notice(std::string_view role, std::string_view rules);

// Replaces a blocked tool call in the model's answer.
std::string blocked_call_notice(std::string_view tool_name, std::string_view rules);

// Replaces assistant text the defender blocked as an outbound message.
std::string blocked_reply_notice(std::string_view rules);

}  // namespace openclawd::inference
