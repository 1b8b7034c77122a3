#pragma once
// A streamed chat completion (Server-Sent Events) on its way from the
// provider to the guest. Events pass as they arrive, byte for byte, unless
// something in them must change:
//  - assistant text goes through a StreamRedactor per choice (credentials are
//    cut out; only the end that may still be growing is held back);
//  - tool calls are held until the choice finishes, then checked by the
//    defender (the caller runs the scans: while they run the relay waits, and
//    what arrives meanwhile is kept); an allowed call goes out whole, a
//    blocked one is replaced by assistant text that names why.
// Pure logic: bytes in, bytes out; unit-tested without sockets.

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openclawd/defender/api_request.hpp"
#include "openclawd/defender/scan.hpp"
#include "openclawd/inference/stream_redactor.hpp"
#include "openclawd/judge/redactor.hpp"

namespace openclawd::inference {

// A tool call of the model's answer, as the defender checks it.
struct ToolCall {
  std::string id;
  std::string type = "function";
  std::string name;
  std::string arguments;  // the JSON text the model wrote
};

// The scan that checks `call` (source tool_call, the user's request as context).
defender::ScanRequest tool_call_scan(const ToolCall& call, const std::string& user_request);

struct Usage {
  std::int64_t prompt_tokens = -1;  // -1: not reported
  std::int64_t completion_tokens = -1;
  std::int64_t total_tokens = -1;
};
// The "usage" member of a completion or chunk; all -1 when absent.
Usage usage_of(const nlohmann::json& document);

class SseRelay {
 public:
  // `redactor` must outlive the relay. `max_text_bytes` bounds the reply text
  // kept for the final outbound scan.
  SseRelay(const judge::Redactor& redactor, std::string user_request,
           std::size_t max_text_bytes = 1024 * 1024);

  // Bytes from the provider in; what may go to the guest now.
  std::string feed(std::string_view bytes);
  // The provider's answer ended (cleanly or not); what is left to send. May
  // leave the relay waiting for checks first (then call it again after resume).
  std::string finish();

  // Tool calls wait for their checks: while true, nothing more goes out.
  bool waiting() const { return waiting_; }
  // The scans to run (once per wait).
  std::vector<defender::ScanRequest> take_checks();
  // Their results, in order; returns what may go out now.
  std::string resume(const std::vector<defender::ScanResult>& results);

  bool done() const { return done_; }
  // The provider ended its answer itself ("[DONE]", or a finish_reason for
  // every choice): false for a stream that was cut off.
  bool complete() const;
  // The whole assistant text of each choice (up to max_text_bytes), as written.
  std::vector<std::string> reply_texts() const;
  const Usage& usage() const { return usage_; }
  std::size_t redactions() const;
  std::size_t tool_calls_checked() const { return tool_calls_checked_; }
  std::size_t tool_calls_blocked() const { return tool_calls_blocked_; }
  nlohmann::json blocked_calls() const { return blocked_calls_; }

 private:
  struct Choice {
    explicit Choice(const judge::Redactor& redactor) : text(redactor) {}
    StreamRedactor text;
    std::string full_text;
    std::map<int, ToolCall> calls;  // by the tool call's index in the deltas
    bool finished = false;
    bool ended_by_reason = false;  // the provider said it was done (finish_reason)
  };

  std::string process_events();
  std::string process_event(std::string_view event);
  std::string process_chunk(std::string_view event, nlohmann::json chunk);
  std::string flush_open_choices();
  Choice& choice(int index);
  std::string chunk_event(nlohmann::json choices) const;

  const judge::Redactor& redactor_;
  std::string user_request_;
  std::size_t max_text_bytes_;
  std::string input_;  // bytes not yet parsed into events (or kept while waiting)
  std::map<int, Choice> choices_;
  nlohmann::json template_;  // id, object, created, model of the last chunk
  Usage usage_;
  bool waiting_ = false;
  bool finishing_ = false;
  bool done_ = false;
  bool saw_done_ = false;
  // The chunk that finished choices whose tool calls are being checked.
  std::optional<nlohmann::json> held_finish_;
  std::vector<std::pair<int, ToolCall>> checking_;  // (choice, call)
  std::vector<defender::ScanRequest> checks_;
  std::size_t tool_calls_checked_ = 0;
  std::size_t tool_calls_blocked_ = 0;
  nlohmann::json blocked_calls_ = nlohmann::json::array();
};

}  // namespace openclawd::inference
