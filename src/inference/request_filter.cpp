#include "openclawd/inference/request_filter.hpp"

#include "openclawd/inference/notices.hpp"

namespace openclawd::inference {
namespace {

// Sanitized texts up to this size are remembered with their verdict; larger
// ones are scanned again when they come back.
constexpr std::size_t kMaxRememberedSanitized = 16 * 1024;

bool is_tool_result(std::string_view role) {
  return role == "tool" || role == "function";
}

// OpenClaw adds a user message of its own after the owner's (active exec
// sessions and the like); it is not what the owner asked for.
bool is_agent_context(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  return text.starts_with("<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>");
}

}  // namespace

RequestFilter::RequestFilter(const ChatRequest& request, std::string vm,
                             std::string user_message_source, SeenMessages& seen)
    : request_(request), vm_(std::move(vm)), seen_(seen) {
  for (std::size_t i = 0; i < request.messages.size(); ++i) {
    const auto& message = request.messages[i];
    if (message.role == "user" && !is_agent_context(message.text)) last_user_text_ = message.text;
    const bool tool = is_tool_result(message.role);
    if ((!tool && message.role != "user") || !message.has_text) continue;
    const std::string source = tool ? "tool_result" : user_message_source;
    const auto key = SeenMessages::key(source, message.text);
    if (const auto* known = seen_.find(vm_, key);
        known != nullptr &&
        (known->action != defender::Action::sanitize || !known->sanitized.empty())) {
      ++remembered_;
      decide(i, *known, true);
      continue;
    }
    defender::ScanRequest scan;
    scan.text = message.text;
    scan.source = source;
    scan.context = {{"role", message.role}};
    if (tool) {
      const auto name = request.tool_names.find(message.tool_call_id);
      const std::string tool_name = name != request.tool_names.end() ? name->second : message.name;
      if (!tool_name.empty()) scan.context["tool_name"] = tool_name;
    }
    scans_.push_back(std::move(scan));
    pending_.push_back({i, key});
  }
}

void RequestFilter::apply(const std::vector<defender::ScanResult>& results) {
  for (std::size_t i = 0; i < pending_.size() && i < results.size(); ++i) {
    const auto& result = results[i];
    SeenMessages::Verdict verdict;
    verdict.action = result.action;
    if (result.action == defender::Action::sanitize && !result.sanitized) {
      verdict.action = defender::Action::block;  // nothing to cut: never let it through
    }
    if (verdict.action == defender::Action::block || verdict.action == defender::Action::sanitize) {
      verdict.rules = decisive_rules(result);
    }
    if (verdict.action == defender::Action::sanitize) verdict.sanitized = *result.sanitized;
    decide(pending_[i].message, verdict, false);
    if (verdict.sanitized.size() > kMaxRememberedSanitized) verdict.sanitized.clear();
    seen_.remember(vm_, pending_[i].key, std::move(verdict));
  }
}

void RequestFilter::decide(std::size_t message, const SeenMessages::Verdict& verdict,
                           bool from_memory) {
  const auto& role = request_.messages[message].role;
  if (verdict.action == defender::Action::block) {
    replacements_.push_back({message, removal_notice(role, verdict.rules)});
    ++removed_;
  } else if (verdict.action == defender::Action::sanitize) {
    replacements_.push_back({message, verdict.sanitized});
    ++sanitized_;
  } else {
    return;
  }
  actions_.push_back({{"message", message},
                      {"role", role},
                      {"action", defender::to_string(verdict.action)},
                      {"rules", verdict.rules},
                      {"remembered", from_memory}});
}

std::string RequestFilter::upstream_body(std::string_view original) const {
  if (replacements_.empty()) return std::string(original);
  return splice_contents(original, request_, replacements_);
}

nlohmann::json RequestFilter::summary() const {
  return {{"scanned", scans_.size()},
          {"remembered", remembered_},
          {"removed", removed_},
          {"sanitized", sanitized_},
          {"messages", actions_}};
}

}  // namespace openclawd::inference
