#pragma once
// A provider's whole (non-streamed) chat completion on its way to the guest:
// each tool call is checked by the defender (tool_call, with the user's
// request) and a blocked one is removed and named in the assistant text; the
// assistant text is checked as an outbound message (a block replaces it, a
// sanitize cuts the findings out) and credentials are redacted. Unchanged
// answers go out byte for byte. Pure logic: the caller runs the scans.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/core/result.hpp"
#include "openclawd/defender/api_request.hpp"
#include "openclawd/defender/scan.hpp"
#include "openclawd/inference/sse_relay.hpp"
#include "openclawd/judge/redactor.hpp"

namespace openclawd::inference {

class ResponseFilter {
 public:
  // An error when `body` is not a chat completion (it then goes out as it came).
  static Result<ResponseFilter> parse(std::string_view body, const std::string& user_request);

  const std::vector<defender::ScanRequest>& scans() const { return scans_; }
  // One result per scans() entry, in order.
  void apply(const std::vector<defender::ScanResult>& results, const judge::Redactor& redactor);

  // What goes to the guest: `original` itself when nothing changed.
  std::string body(std::string_view original) const;

  const Usage& usage() const { return usage_; }
  std::size_t tool_calls_checked() const { return tool_calls_checked_; }
  std::size_t tool_calls_blocked() const { return tool_calls_blocked_; }
  std::size_t redactions() const { return redactions_; }
  const nlohmann::json& blocked_calls() const { return blocked_calls_; }
  // The strongest action on the assistant text ("allow" when there was none).
  defender::Action reply_action() const { return reply_action_; }

 private:
  struct Target {
    std::size_t choice;
    int call;  // -1: the choice's text
  };

  nlohmann::json document_;
  std::vector<defender::ScanRequest> scans_;
  std::vector<Target> targets_;
  Usage usage_;
  bool modified_ = false;
  std::size_t tool_calls_checked_ = 0;
  std::size_t tool_calls_blocked_ = 0;
  std::size_t redactions_ = 0;
  nlohmann::json blocked_calls_ = nlohmann::json::array();
  defender::Action reply_action_ = defender::Action::allow;
};

}  // namespace openclawd::inference
