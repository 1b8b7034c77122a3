#include "openclawd/inference/response_filter.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "openclawd/inference/notices.hpp"

namespace openclawd::inference {
namespace {

using Json = nlohmann::json;

nlohmann::json* message_of(Json& choice) {
  if (!choice.is_object()) return nullptr;
  auto it = choice.find("message");
  return it != choice.end() && it->is_object() ? &*it : nullptr;
}

ToolCall tool_call_of(const Json& call) {
  ToolCall out;
  if (!call.is_object()) return out;
  if (call.contains("id") && call["id"].is_string()) out.id = call["id"].get<std::string>();
  if (call.contains("type") && call["type"].is_string()) out.type = call["type"].get<std::string>();
  if (call.contains("function") && call["function"].is_object()) {
    const Json& function = call["function"];
    if (function.contains("name") && function["name"].is_string()) {
      out.name = function["name"].get<std::string>();
    }
    if (function.contains("arguments") && function["arguments"].is_string()) {
      out.arguments = function["arguments"].get<std::string>();
    }
  }
  return out;
}

}  // namespace

Result<ResponseFilter> ResponseFilter::parse(std::string_view body,
                                             const std::string& user_request) {
  ResponseFilter filter;
  filter.document_ = Json::parse(body, nullptr, false);
  if (filter.document_.is_discarded() || !filter.document_.is_object() ||
      !filter.document_.contains("choices") || !filter.document_["choices"].is_array()) {
    return make_error("the provider's answer is not a chat completion");
  }
  filter.usage_ = usage_of(filter.document_);
  auto& choices = filter.document_["choices"];
  for (std::size_t i = 0; i < choices.size(); ++i) {
    Json* message = message_of(choices[i]);
    if (message == nullptr) continue;
    if (message->contains("content") && (*message)["content"].is_string() &&
        !(*message)["content"].get<std::string>().empty()) {
      defender::ScanRequest scan;
      scan.text = (*message)["content"].get<std::string>();
      scan.source = "outbound_message";
      filter.scans_.push_back(std::move(scan));
      filter.targets_.push_back({i, -1});
    }
    if (message->contains("tool_calls") && (*message)["tool_calls"].is_array()) {
      const auto& calls = (*message)["tool_calls"];
      for (std::size_t c = 0; c < calls.size(); ++c) {
        filter.scans_.push_back(tool_call_scan(tool_call_of(calls[c]), user_request));
        filter.targets_.push_back({i, static_cast<int>(c)});
      }
    }
  }
  return filter;
}

void ResponseFilter::apply(const std::vector<defender::ScanResult>& results,
                           const judge::Redactor& redactor) {
  auto& choices = document_["choices"];
  std::map<std::size_t, std::set<int>> removed_calls;
  std::map<std::size_t, std::string> notices;
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const auto [choice, call] = targets_[i];
    const bool have = i < results.size();
    Json& message = *message_of(choices[choice]);
    if (call < 0) {
      if (!have) continue;
      const auto& result = results[i];
      reply_action_ = std::max(reply_action_, result.action);
      std::string text = message["content"].get<std::string>();
      if (result.action == defender::Action::block) {
        text = blocked_reply_notice(decisive_rules(result));
      } else if (result.action == defender::Action::sanitize && result.sanitized) {
        text = *result.sanitized;
      }
      auto redaction = redactor.redact(text);
      redactions_ += redaction.replaced;
      if (redaction.text != message["content"].get<std::string>()) {
        message["content"] = std::move(redaction.text);
        modified_ = true;
      }
      continue;
    }
    ++tool_calls_checked_;
    if (have && !results[i].flagged()) continue;
    ++tool_calls_blocked_;
    const ToolCall blocked = tool_call_of(message["tool_calls"][static_cast<std::size_t>(call)]);
    const std::string rules = have ? decisive_rules(results[i]) : "not checked";
    removed_calls[choice].insert(call);
    std::string& text = notices[choice];
    if (!text.empty()) text.push_back('\n');
    text += blocked_call_notice(blocked.name, rules);
    blocked_calls_.push_back({{"name", blocked.name}, {"rules", rules}});
  }
  for (const auto& [choice, calls] : removed_calls) {
    Json& message = *message_of(choices[choice]);
    Json kept = Json::array();
    const auto& all = message["tool_calls"];
    for (std::size_t c = 0; c < all.size(); ++c) {
      if (calls.count(static_cast<int>(c)) == 0) kept.push_back(all[c]);
    }
    std::string content = message.contains("content") && message["content"].is_string()
                              ? message["content"].get<std::string>()
                              : std::string();
    if (!content.empty()) content.push_back('\n');
    message["content"] = content + notices[choice];
    if (kept.empty()) {
      message.erase("tool_calls");
      // Nothing is left to run: the model's turn simply ends.
      if (choices[choice].contains("finish_reason")) choices[choice]["finish_reason"] = "stop";
    } else {
      message["tool_calls"] = std::move(kept);
    }
    modified_ = true;
  }
}

std::string ResponseFilter::body(std::string_view original) const {
  if (!modified_) return std::string(original);
  return document_.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace openclawd::inference
