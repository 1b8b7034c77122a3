#include "openclawd/inference/sse_relay.hpp"

#include <algorithm>
#include <set>

#include "openclawd/inference/notices.hpp"

namespace openclawd::inference {
namespace {

using Json = nlohmann::json;

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Where the first event ends: the blank line after it, and its length.
std::pair<std::size_t, std::size_t> event_end(std::string_view input) {
  const auto lf = input.find("\n\n");
  const auto crlf = input.find("\r\n\r\n");
  if (crlf != std::string_view::npos && (lf == std::string_view::npos || crlf < lf)) {
    return {crlf, 4};
  }
  if (lf != std::string_view::npos) return {lf, 2};
  return {std::string_view::npos, 0};
}

// The "data" of an event (its data lines joined by "\n"); nullopt without any.
std::optional<std::string> event_data(std::string_view event) {
  std::optional<std::string> data;
  while (!event.empty()) {
    const auto newline = event.find('\n');
    std::string_view line = event.substr(0, newline);
    event = newline == std::string_view::npos ? std::string_view() : event.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.starts_with("data:")) continue;
    line.remove_prefix(5);
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (data) {
      data->push_back('\n');
      data->append(line);
    } else {
      data = std::string(line);
    }
  }
  return data;
}

std::int64_t count_of(const Json& usage, const char* key) {
  const auto it = usage.find(key);
  return it != usage.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
}

int index_of(const Json& item, int fallback) {
  const auto it = item.find("index");
  return it != item.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

std::string string_of(const Json& item, const char* key) {
  const auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

defender::ScanRequest tool_call_scan(const ToolCall& call, const std::string& user_request) {
  defender::ScanRequest scan;
  scan.text = call.name + " " + call.arguments;
  scan.source = "tool_call";
  Json params = Json::parse(call.arguments, nullptr, false);
  if (params.is_discarded()) params = call.arguments;
  scan.context = {
      {"tool_name", call.name}, {"tool_params", params}, {"user_request", user_request}};
  return scan;
}

Usage usage_of(const Json& document) {
  Usage usage;
  const auto it = document.find("usage");
  if (it == document.end() || !it->is_object()) return usage;
  usage.prompt_tokens = count_of(*it, "prompt_tokens");
  usage.completion_tokens = count_of(*it, "completion_tokens");
  usage.total_tokens = count_of(*it, "total_tokens");
  return usage;
}

SseRelay::SseRelay(const judge::Redactor& redactor, std::string user_request,
                   std::size_t max_text_bytes)
    : redactor_(redactor),
      user_request_(std::move(user_request)),
      max_text_bytes_(max_text_bytes) {}

SseRelay::Choice& SseRelay::choice(int index) {
  auto it = choices_.find(index);
  if (it == choices_.end()) it = choices_.emplace(index, Choice(redactor_)).first;
  return it->second;
}

std::string SseRelay::feed(std::string_view bytes) {
  input_.append(bytes);
  return process_events();
}

std::string SseRelay::finish() {
  finishing_ = true;
  return process_events();
}

std::string SseRelay::process_events() {
  std::string out;
  while (!waiting_ && !done_) {
    const auto [end, separator] = event_end(input_);
    if (end == std::string::npos) break;
    const std::string raw = input_.substr(0, end + separator);
    out += process_event(raw);
    // A chunk whose calls are checked is consumed (it is held, changed); a
    // "[DONE]" that waits for checks is read again afterwards.
    if (!waiting_ || held_finish_) input_.erase(0, raw.size());
    if (waiting_) break;
  }
  if (waiting_ || done_ || !finishing_) return out;
  if (!input_.empty()) {
    // The provider stopped without the blank line after its last event: a
    // whole event still counts, a cut one is dropped (the guest could not
    // parse it).
    const std::string raw = input_ + "\n\n";
    input_.clear();
    const auto data = event_data(raw);
    if (data && (*data == "[DONE]" || Json::accept(*data))) out += process_event(raw);
    if (waiting_) return out;
  }
  out += flush_open_choices();
  if (!waiting_) done_ = true;
  return out;
}

std::string SseRelay::process_event(std::string_view event) {
  auto data = event_data(event);
  if (!data) return std::string(event);  // comments, keep-alives
  if (*data == "[DONE]") {
    std::string out = flush_open_choices();
    if (waiting_) return out;
    done_ = true;
    saw_done_ = true;
    return out + std::string(event);
  }
  Json chunk = Json::parse(*data, nullptr, false);
  if (chunk.is_discarded() || !chunk.is_object() || !chunk.contains("choices") ||
      !chunk["choices"].is_array()) {
    return std::string(event);  // an error object or something else: as it came
  }
  return process_chunk(event, std::move(chunk));
}

std::string SseRelay::process_chunk(std::string_view event, Json chunk) {
  template_ = Json::object();
  for (const auto& [key, value] : chunk.items()) {
    if (key != "choices" && key != "usage") template_[key] = value;
  }
  if (chunk.contains("usage") && chunk["usage"].is_object()) usage_ = usage_of(chunk);
  bool modified = false;
  bool calls_to_check = false;
  std::string ahead;  // text that goes out before a held finish
  int position = 0;
  for (auto& item : chunk["choices"]) {
    if (!item.is_object()) continue;
    const int index = index_of(item, position++);
    Choice& state = choice(index);
    if (item.contains("delta") && item["delta"].is_object()) {
      Json& delta = item["delta"];
      if (delta.contains("content") && delta["content"].is_string()) {
        const std::string piece = delta["content"].get<std::string>();
        if (state.full_text.size() < max_text_bytes_) {
          state.full_text.append(piece.substr(0, max_text_bytes_ - state.full_text.size()));
        }
        std::string released = state.text.push(piece);
        if (released != piece) {
          delta["content"] = std::move(released);
          modified = true;
        }
      }
      if (delta.contains("tool_calls")) {
        if (delta["tool_calls"].is_array()) {
          int call_position = 0;
          for (const auto& part : delta["tool_calls"]) {
            if (!part.is_object()) continue;
            ToolCall& call = state.calls[index_of(part, call_position++)];
            if (const auto id = string_of(part, "id"); !id.empty()) call.id = id;
            if (const auto type = string_of(part, "type"); !type.empty()) call.type = type;
            if (part.contains("function") && part["function"].is_object()) {
              call.name += string_of(part["function"], "name");
              call.arguments += string_of(part["function"], "arguments");
            }
          }
        }
        delta.erase("tool_calls");
        modified = true;
      }
    }
    const auto reason = item.find("finish_reason");
    if (reason != item.end() && reason->is_string() && !state.finished) {
      state.finished = true;
      state.ended_by_reason = true;
      std::string rest = state.text.finish();
      if (!state.calls.empty()) {
        // The text goes out now; the finish waits for the calls' checks.
        if (!rest.empty()) {
          ahead += chunk_event(Json::array(
              {{{"index", index}, {"delta", {{"content", rest}}}, {"finish_reason", nullptr}}}));
        }
      } else if (!rest.empty()) {
        Json& delta = item["delta"];
        if (!delta.is_object()) delta = Json::object();
        delta["content"] = string_of(delta, "content") + rest;
        modified = true;
      }
      if (!state.calls.empty()) {
        calls_to_check = true;
        for (const auto& [call_index, call] : state.calls) {
          checking_.emplace_back(index, call);
          checks_.push_back(tool_call_scan(call, user_request_));
        }
      }
    }
  }
  if (calls_to_check) {
    held_finish_ = std::move(chunk);
    waiting_ = true;
    return ahead;
  }
  if (!modified) return std::string(event);
  // A chunk left with nothing to say (its text held back) is not sent.
  bool empty = !chunk.contains("usage");
  for (auto& item : chunk["choices"]) {
    if (!item.is_object()) continue;
    if (item.contains("delta") && item["delta"].is_object()) {
      Json& delta = item["delta"];
      if (delta.contains("content") && delta["content"] == "") delta.erase("content");
      if (!delta.empty()) empty = false;
    }
    const auto reason = item.find("finish_reason");
    if (reason != item.end() && !reason->is_null()) empty = false;
  }
  if (empty) return {};
  return "data: " + dump(chunk) + "\n\n";
}

std::string SseRelay::flush_open_choices() {
  std::string out;
  for (auto& [index, state] : choices_) {
    if (state.finished) continue;
    state.finished = true;
    if (std::string rest = state.text.finish(); !rest.empty()) {
      out += chunk_event(Json::array(
          {{{"index", index}, {"delta", {{"content", rest}}}, {"finish_reason", nullptr}}}));
    }
    if (!state.calls.empty()) {
      // The stream ended without a finish_reason: the calls are checked all the same.
      for (const auto& [call_index, call] : state.calls) {
        checking_.emplace_back(index, call);
        checks_.push_back(tool_call_scan(call, user_request_));
      }
      waiting_ = true;
    }
  }
  return out;
}

std::vector<defender::ScanRequest> SseRelay::take_checks() {
  return std::exchange(checks_, {});
}

std::string SseRelay::resume(const std::vector<defender::ScanResult>& results) {
  if (!waiting_) return {};
  // Per choice: the calls that may run, and the notices of those that may not.
  std::map<int, Json> allowed;
  std::map<int, std::string> notices;
  for (std::size_t i = 0; i < checking_.size(); ++i) {
    const auto& [index, call] = checking_[i];
    ++tool_calls_checked_;
    Json& calls = allowed.try_emplace(index, Json::array()).first->second;
    if (i < results.size() && !results[i].flagged()) {
      calls.push_back({{"index", calls.size()},
                       {"id", call.id},
                       {"type", call.type},
                       {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
      continue;
    }
    ++tool_calls_blocked_;
    const std::string rules = i < results.size() ? decisive_rules(results[i]) : "not checked";
    std::string& text = notices[index];
    // On a line of its own after whatever the model wrote before.
    if (!text.empty() || !choice(index).full_text.empty()) text.push_back('\n');
    text += blocked_call_notice(call.name, rules);
    blocked_calls_.push_back({{"name", call.name}, {"rules", rules}});
  }
  checking_.clear();
  std::string out;
  for (const auto& [index, calls] : allowed) {
    Json delta = Json::object();
    if (notices.count(index) != 0) delta["content"] = notices[index];
    if (!calls.empty()) delta["tool_calls"] = calls;
    out += chunk_event(
        Json::array({{{"index", index}, {"delta", delta}, {"finish_reason", nullptr}}}));
  }
  if (held_finish_) {
    Json chunk = std::move(*held_finish_);
    held_finish_.reset();
    int position = 0;
    for (auto& item : chunk["choices"]) {
      if (!item.is_object()) continue;
      const int index = index_of(item, position++);
      // No tool call is left to run: the model's turn simply ends.
      if (allowed.count(index) != 0 && allowed[index].empty()) item["finish_reason"] = "stop";
      if (item.contains("delta") && item["delta"].is_object() &&
          item["delta"].contains("content") && item["delta"]["content"] == "") {
        item["delta"].erase("content");
      }
    }
    out += "data: " + dump(chunk) + "\n\n";
  }
  waiting_ = false;
  return out + process_events();
}

std::string SseRelay::chunk_event(Json choices) const {
  Json chunk = template_.is_object() ? template_ : Json::object();
  if (!chunk.contains("object")) chunk["object"] = "chat.completion.chunk";
  chunk["choices"] = std::move(choices);
  return "data: " + dump(chunk) + "\n\n";
}

bool SseRelay::complete() const {
  if (saw_done_) return true;
  if (choices_.empty()) return false;
  return std::all_of(choices_.begin(), choices_.end(),
                     [](const auto& entry) { return entry.second.ended_by_reason; });
}

std::vector<std::string> SseRelay::reply_texts() const {
  std::vector<std::string> texts;
  for (const auto& [index, state] : choices_) texts.push_back(state.full_text);
  return texts;
}

std::size_t SseRelay::redactions() const {
  std::size_t total = 0;
  for (const auto& [index, state] : choices_) total += state.text.redactions();
  return total;
}

}  // namespace openclawd::inference
