#include "openclawd/inference/chat_request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "json_walker.hpp"

namespace openclawd::inference {
namespace {

using Json = nlohmann::json;

// Text of a content value: a string, or the "text" of its text parts.
bool content_text(const Json& content, std::string& out) {
  if (content.is_string()) {
    out = content.get<std::string>();
    return true;
  }
  if (!content.is_array()) return false;
  bool any = false;
  for (const auto& part : content) {
    if (!part.is_object()) continue;
    const auto type = part.find("type");
    const auto text = part.find("text");
    if (type == part.end() || *type != "text" || text == part.end() || !text->is_string()) continue;
    if (any) out.push_back('\n');
    out += text->get<std::string>();
    any = true;
  }
  return any;
}

// Walks a value and refuses objects with a key twice, at any depth.
Status walk_checked(JsonWalker& walker, const std::string& pointer, std::size_t depth) {
  const char c = walker.peek();
  if (c != '{' && c != '[') {
    auto skipped = walker.value(depth);
    if (!skipped) return skipped.error();
    return ok_status();
  }
  if (depth >= kMaxRequestDepth) return make_error(pointer + ": nested too deeply");
  const bool object = c == '{';
  if (auto opened = walker.expect(c); !opened) return opened;
  const char close = object ? '}' : ']';
  if (walker.take(close)) return ok_status();
  std::set<std::string> keys;
  for (std::size_t index = 0;; ++index) {
    std::string child = pointer + "/" + std::to_string(index);
    if (object) {
      auto key = walker.string();
      if (!key) return key.error();
      if (!keys.insert(*key).second) {
        return make_error(fmt::format("{}: the key \"{}\" appears twice", pointer, *key));
      }
      if (auto colon = walker.expect(':'); !colon) return colon;
      child = pointer + "/" + *key;
    }
    if (auto item = walk_checked(walker, child, depth + 1); !item) return item;
    if (walker.take(close)) return ok_status();
    if (auto comma = walker.expect(','); !comma) return comma;
  }
}

// The byte span of each message's content value (begin == end: none), with
// duplicate keys refused inside the messages and at the top level.
Result<std::vector<std::pair<std::size_t, std::size_t>>> content_spans(std::string_view body) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  JsonWalker walker(body, kMaxRequestDepth);
  if (auto opened = walker.expect('{'); !opened) return opened.error();
  std::set<std::string> top_keys;
  if (walker.take('}')) return spans;
  while (true) {
    auto key = walker.string();
    if (!key) return key.error();
    if (!top_keys.insert(*key).second) {
      return make_error(fmt::format("the key \"{}\" appears twice at the top level", *key));
    }
    if (auto colon = walker.expect(':'); !colon) return colon.error();
    if (*key == "messages" && walker.peek() == '[') {
      walker.take('[');
      for (std::size_t i = 0; !walker.take(']'); ++i) {
        if (i > 0) {
          if (auto comma = walker.expect(','); !comma) return comma.error();
        }
        const std::string pointer = fmt::format("/messages/{}", i);
        std::pair<std::size_t, std::size_t> span{0, 0};
        if (walker.peek() == '{') {
          walker.take('{');
          std::set<std::string> keys;
          while (!walker.take('}')) {
            if (!keys.empty()) {
              if (auto comma = walker.expect(','); !comma) return comma.error();
            }
            auto member = walker.string();
            if (!member) return member.error();
            if (!keys.insert(*member).second) {
              return make_error(fmt::format("{}: the key \"{}\" appears twice", pointer, *member));
            }
            if (auto colon = walker.expect(':'); !colon) return colon.error();
            const std::size_t begin = (walker.skip_blanks(), walker.position());
            if (auto value = walk_checked(walker, pointer + "/" + *member, 2); !value) {
              return value.error();
            }
            if (*member == "content") span = {begin, walker.position()};
          }
        } else if (auto skipped = walker.value(1); !skipped) {
          return skipped.error();
        }
        spans.push_back(span);
      }
    } else if (auto skipped = walker.value(); !skipped) {
      return skipped.error();
    }
    if (walker.take('}')) break;
    if (auto comma = walker.expect(','); !comma) return comma.error();
  }
  return spans;
}

}  // namespace

Result<ChatRequest> parse_chat_request(std::string_view body) {
  const Json document = Json::parse(body, nullptr, false);
  if (document.is_discarded()) {
    return make_error("the body is not valid JSON (an OpenAI chat completions request)");
  }
  if (!document.is_object()) {
    return make_error("the body must be a JSON object (an OpenAI chat completions request)");
  }
  ChatRequest request;
  if (const auto model = document.find("model"); model != document.end()) {
    if (!model->is_string()) return make_error("/model: expected a string");
    request.model = model->get<std::string>();
  }
  if (const auto stream = document.find("stream"); stream != document.end()) {
    if (!stream->is_boolean() && !stream->is_null())
      return make_error("/stream: expected true or false");
    request.stream = stream->is_boolean() && stream->get<bool>();
  }
  const auto messages = document.find("messages");
  if (messages == document.end() || !messages->is_array()) {
    return make_error("/messages: expected an array of messages");
  }
  auto spans = content_spans(body);
  if (!spans) return spans.error();
  if (spans->size() != messages->size()) {
    return make_error("/messages: the body could not be read consistently");
  }
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const Json& item = (*messages)[i];
    const std::string pointer = fmt::format("/messages/{}", i);
    if (!item.is_object()) return make_error(pointer + ": expected an object");
    const auto role = item.find("role");
    if (role == item.end() || !role->is_string()) {
      return make_error(pointer + "/role: expected a string such as \"user\"");
    }
    ChatMessage message;
    message.role = role->get<std::string>();
    if (const auto content = item.find("content"); content != item.end()) {
      if (!content->is_string() && !content->is_array() && !content->is_null()) {
        return make_error(pointer + "/content: expected a string, an array of parts or null");
      }
      message.has_text = content_text(*content, message.text);
      message.content_begin = (*spans)[i].first;
      message.content_end = (*spans)[i].second;
    }
    if (const auto id = item.find("tool_call_id"); id != item.end() && id->is_string()) {
      message.tool_call_id = id->get<std::string>();
    }
    if (const auto name = item.find("name"); name != item.end() && name->is_string()) {
      message.name = name->get<std::string>();
    }
    if (const auto calls = item.find("tool_calls"); calls != item.end() && calls->is_array()) {
      for (const auto& call : *calls) {
        if (!call.is_object()) continue;
        const auto id = call.find("id");
        const auto function = call.find("function");
        if (id == call.end() || !id->is_string() || function == call.end() ||
            !function->is_object()) {
          continue;
        }
        const auto name = function->find("name");
        if (name != function->end() && name->is_string()) {
          request.tool_names[id->get<std::string>()] = name->get<std::string>();
        }
      }
    }
    request.messages.push_back(std::move(message));
  }
  return request;
}

std::string splice_contents(std::string_view body, const ChatRequest& request,
                            std::vector<ContentReplacement> replacements) {
  std::sort(replacements.begin(), replacements.end(),
            [&](const ContentReplacement& a, const ContentReplacement& b) {
              return request.messages[a.message].content_begin <
                     request.messages[b.message].content_begin;
            });
  std::string out;
  out.reserve(body.size());
  std::size_t at = 0;
  for (const auto& replacement : replacements) {
    const auto& message = request.messages.at(replacement.message);
    if (message.content_begin == message.content_end || message.content_begin < at) continue;
    out.append(body.substr(at, message.content_begin - at));
    out.append(Json(replacement.text).dump(-1, ' ', false, Json::error_handler_t::replace));
    at = message.content_end;
  }
  out.append(body.substr(at));
  return out;
}

}  // namespace openclawd::inference
