#include "openclawd/defender/api_request.hpp"

#include <utility>
#include <vector>

#include "openclawd/defender/rules.hpp"

namespace openclawd::defender {
namespace {

// Iterative, so a hostile document cannot exhaust the stack here.
std::size_t depth_of(const nlohmann::json& root) {
  std::size_t deepest = 0;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending = {{&root, 1}};
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    deepest = std::max(deepest, depth);
    if (depth > kMaxContextDepth) break;
    if (node->is_structured()) {
      for (const auto& child : *node) pending.emplace_back(&child, depth + 1);
    }
  }
  return deepest;
}

std::string sources_list() {
  std::string out;
  for (auto source : kSources) {
    if (!out.empty()) out += ", ";
    out += source;
  }
  return out;
}

}  // namespace

Result<ScanRequest> scan_request_from_json(const nlohmann::json& document) {
  if (!document.is_object()) {
    return make_error("the body must be a JSON object {\"text\", \"source\", \"context\"}");
  }
  ScanRequest request;
  bool has_text = false;
  for (const auto& [key, value] : document.items()) {
    if (key == "text") {
      if (!value.is_string()) return make_error("\"text\" must be a string");
      request.text = value.get<std::string>();
      has_text = true;
    } else if (key == "source") {
      if (!value.is_string() || !is_known_source(value.get_ref<const std::string&>())) {
        return make_error("\"source\" must be one of " + sources_list());
      }
      request.source = value.get<std::string>();
    } else if (key == "context") {
      if (!value.is_null() && !value.is_object()) {
        return make_error("\"context\" must be an object (or absent)");
      }
      if (depth_of(value) > kMaxContextDepth) {
        return make_error("\"context\" is nested deeper than " + std::to_string(kMaxContextDepth) +
                          " levels");
      }
      request.context = value;
    } else if (key != "id") {
      return make_error("unknown field \"" + key + "\"; expected text, source, context");
    }
  }
  if (!has_text) return make_error("\"text\" is required");
  return request;
}

Result<ScanRequest> parse_scan_request(std::string_view body) {
  // No exceptions: a malformed or non-UTF-8 body is just discarded.
  auto document = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  if (document.is_discarded()) return make_error("the body is not valid JSON (UTF-8)");
  return scan_request_from_json(document);
}

}  // namespace openclawd::defender
