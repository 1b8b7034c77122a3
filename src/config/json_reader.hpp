#pragma once
// Reads JSON objects field by field while tracking the JSON pointer of each
// value, so every problem is reported as "<pointer>: <what was expected>".
// Keys never read are reported as unknown when the reader finishes.
// Internal to the config module: each section parser (parse_*.cpp) uses it.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openclawd/config/config.hpp"

namespace openclawd::config {

class Diagnostics {
 public:
  void add(std::string pointer, std::string message) {
    items_.push_back({std::move(pointer), std::move(message)});
  }
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

std::string append_pointer(std::string_view pointer, std::string_view key);
std::string append_pointer(std::string_view pointer, std::size_t index);
// "a string", "an integer", ... for "got ..." parts of messages.
std::string describe_json_type(const nlohmann::json& value);

enum class Need { optional, required };

class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& value, std::string pointer, Diagnostics& diagnostics);
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;
  ~ObjectReader();  // reports unknown keys

  bool is_object() const { return object_ != nullptr; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer_of(std::string_view key) const { return append_pointer(pointer_, key); }
  // Marks the key as known and returns its value, or nullptr when absent.
  const nlohmann::json* take(std::string_view key, Need need = Need::optional);
  void error(std::string_view key, std::string message);

  void string(std::string_view key, std::string& out, Need need = Need::optional,
              bool allow_empty = false);
  void boolean(std::string_view key, bool& out, Need need = Need::optional);
  void integer(std::string_view key, std::int64_t min, std::int64_t max,
               const std::function<void(std::int64_t)>& assign, Need need = Need::optional);
  template <typename T>
  void integer(std::string_view key, T& out, std::int64_t min, std::int64_t max,
               Need need = Need::optional) {
    integer(
        key, min, max, [&out](std::int64_t v) { out = static_cast<T>(v); }, need);
  }
  // A path; relative values are resolved against `base`.
  void path(std::string_view key, std::filesystem::path& out, const std::filesystem::path& base,
            Need need = Need::optional);
  void string_list(std::string_view key, std::vector<std::string>& out, Need need = Need::optional);
  // A string turned into T by `parse`; `expected` completes "expected ...".
  template <typename T, typename Parse>
  void parsed(std::string_view key, T& out, Parse parse, std::string_view expected,
              Need need = Need::optional) {
    std::string text;
    bool present = false;
    string_value(key, need, [&](const std::string& s) {
      present = true;
      text = s;
    });
    if (!present) return;
    if (auto value = parse(text)) {
      out = *value;
    } else {
      error(key, "expected " + std::string(expected) + ", got \"" + text + "\"");
    }
  }
  template <typename E>
  void choice(std::string_view key, E& out,
              std::initializer_list<std::pair<std::string_view, E>> choices,
              Need need = Need::optional) {
    std::vector<std::string_view> names;
    for (const auto& c : choices) names.push_back(c.first);
    string_value(key, need, [&](const std::string& s) {
      for (const auto& c : choices) {
        if (c.first == s) {
          out = c.second;
          return;
        }
      }
      error(key, "expected one of " + join_quoted(names) + ", got \"" + s + "\"");
    });
  }
  void object(std::string_view key, const std::function<void(ObjectReader&)>& read,
              Need need = Need::optional);
  // Calls `read` for each element with its pointer (/key/N).
  void array(std::string_view key,
             const std::function<void(const nlohmann::json&, const std::string&)>& read,
             Need need = Need::optional);
  void object_array(std::string_view key, const std::function<void(ObjectReader&)>& read,
                    Need need = Need::optional);

  Diagnostics& diagnostics() { return diagnostics_; }

 private:
  void string_value(std::string_view key, Need need,
                    const std::function<void(const std::string&)>& use);
  static std::string join_quoted(const std::vector<std::string_view>& names);

  const nlohmann::json* object_ = nullptr;
  std::string pointer_;
  Diagnostics& diagnostics_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace openclawd::config
