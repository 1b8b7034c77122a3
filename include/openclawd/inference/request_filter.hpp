#pragma once
// What the gateway does to a request before it leaves the host: every tool
// result and every user message not seen before is scanned by the defender;
// a blocked one's content is replaced by a short notice naming the rules, a
// sanitized one by the sanitized text; the rest goes upstream byte for byte.
// Pure logic over a parsed request (the scans themselves are the caller's).

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/defender/api_request.hpp"
#include "openclawd/defender/scan.hpp"
#include "openclawd/inference/chat_request.hpp"
#include "openclawd/inference/seen_messages.hpp"

namespace openclawd::inference {

class RequestFilter {
 public:
  // `seen` must outlive the filter. `vm` names whose conversation this is.
  RequestFilter(const ChatRequest& request, std::string vm, std::string user_message_source,
                SeenMessages& seen);

  // The texts to scan now: messages without a remembered verdict.
  const std::vector<defender::ScanRequest>& scans() const { return scans_; }
  // One result per scans() entry, in order; the verdicts are remembered.
  void apply(const std::vector<defender::ScanResult>& results);

  // The body that goes upstream: `original` itself when nothing was replaced.
  std::string upstream_body(std::string_view original) const;
  bool changed() const { return !replacements_.empty(); }
  // The text of the conversation's last user message ("" when there is none),
  // not counting the context blocks an agent adds as user messages itself.
  const std::string& last_user_text() const { return last_user_text_; }

  // For the call log and the counters.
  std::size_t scanned() const { return scans_.size(); }
  std::size_t remembered() const { return remembered_; }
  std::size_t removed() const { return removed_; }
  std::size_t sanitized() const { return sanitized_; }
  nlohmann::json summary() const;

 private:
  struct Pending {
    std::size_t message;
    SeenMessages::Key key;
  };
  void decide(std::size_t message, const SeenMessages::Verdict& verdict, bool from_memory);

  const ChatRequest& request_;
  std::string vm_;
  SeenMessages& seen_;
  std::vector<defender::ScanRequest> scans_;
  std::vector<Pending> pending_;
  std::vector<ContentReplacement> replacements_;
  std::string last_user_text_;
  std::size_t remembered_ = 0;
  std::size_t removed_ = 0;
  std::size_t sanitized_ = 0;
  nlohmann::json actions_ = nlohmann::json::array();  // one entry per message not allowed
};

}  // namespace openclawd::inference
