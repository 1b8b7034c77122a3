#include "json_reader.hpp"

#include <fmt/format.h>

namespace openclawd::config {

std::string append_pointer(std::string_view pointer, std::string_view key) {
  std::string out(pointer);
  out.push_back('/');
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string append_pointer(std::string_view pointer, std::size_t index) {
  return fmt::format("{}/{}", pointer, index);
}

std::string describe_json_type(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "an unsupported value";
  }
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string pointer,
                           Diagnostics& diagnostics)
    : pointer_(std::move(pointer)), diagnostics_(diagnostics) {
  if (value.is_object()) {
    object_ = &value;
  } else {
    diagnostics_.add(pointer_, "expected an object, got " + describe_json_type(value));
  }
}

ObjectReader::~ObjectReader() {
  if (object_ == nullptr) return;
  std::vector<std::string_view> known(known_.begin(), known_.end());
  for (const auto& [key, value] : object_->items()) {
    // "$schema" and keys starting with "_" are for editors and comments.
    if (key == "$schema" || (!key.empty() && key.front() == '_')) continue;
    if (known_.count(key) != 0) continue;
    diagnostics_.add(append_pointer(pointer_, key),
                     "unknown key (known keys here: " + join_quoted(known) + ")");
  }
}

const nlohmann::json* ObjectReader::take(std::string_view key, Need need) {
  known_.emplace(key);
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end()) {
    if (need == Need::required) diagnostics_.add(pointer_of(key), "required key is missing");
    return nullptr;
  }
  return &*it;
}

void ObjectReader::error(std::string_view key, std::string message) {
  diagnostics_.add(pointer_of(key), std::move(message));
}

void ObjectReader::string_value(std::string_view key, Need need,
                                const std::function<void(const std::string&)>& use) {
  const auto* value = take(key, need);
  if (value == nullptr) return;
  if (!value->is_string()) {
    error(key, "expected a string, got " + describe_json_type(*value));
    return;
  }
  use(value->get<std::string>());
}

void ObjectReader::string(std::string_view key, std::string& out, Need need, bool allow_empty) {
  string_value(key, need, [&](const std::string& s) {
    if (s.empty() && !allow_empty) {
      error(key, "expected a non-empty string");
      return;
    }
    out = s;
  });
}

void ObjectReader::boolean(std::string_view key, bool& out, Need need) {
  const auto* value = take(key, need);
  if (value == nullptr) return;
  if (!value->is_boolean()) {
    error(key, "expected true or false, got " + describe_json_type(*value));
    return;
  }
  out = value->get<bool>();
}

void ObjectReader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                           const std::function<void(std::int64_t)>& assign, Need need) {
  const auto* value = take(key, need);
  if (value == nullptr) return;
  const auto range = fmt::format("an integer from {} to {}", min, max);
  if (!value->is_number_integer()) {
    error(key, "expected " + range + ", got " + describe_json_type(*value));
    return;
  }
  if (value->is_number_unsigned() &&
      value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    error(key, fmt::format("expected {}, got {}", range, value->dump()));
    return;
  }
  const auto v = value->get<std::int64_t>();
  if (v < min || v > max) {
    error(key, fmt::format("expected {}, got {}", range, v));
    return;
  }
  assign(v);
}

void ObjectReader::path(std::string_view key, std::filesystem::path& out,
                        const std::filesystem::path& base, Need need) {
  string_value(key, need, [&](const std::string& s) {
    if (s.empty()) {
      error(key, "expected a non-empty path");
      return;
    }
    if (s.find('\0') != std::string::npos) {
      error(key, "a path cannot contain a NUL character");
      return;
    }
    std::filesystem::path p(s);
    out = (p.is_absolute() ? p : base / p).lexically_normal();
  });
}

void ObjectReader::string_list(std::string_view key, std::vector<std::string>& out, Need need) {
  const auto* value = take(key, need);
  if (value == nullptr) return;
  if (!value->is_array()) {
    error(key, "expected an array of strings, got " + describe_json_type(*value));
    return;
  }
  std::vector<std::string> items;
  for (std::size_t i = 0; i < value->size(); ++i) {
    const auto& item = (*value)[i];
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      diagnostics_.add(append_pointer(pointer_of(key), i),
                       "expected a non-empty string, got " + describe_json_type(item));
      continue;
    }
    items.push_back(item.get<std::string>());
  }
  out = std::move(items);
}

void ObjectReader::object(std::string_view key, const std::function<void(ObjectReader&)>& read,
                          Need need) {
  const auto* value = take(key, need);
  if (value == nullptr) return;
  ObjectReader nested(*value, pointer_of(key), diagnostics_);
  if (nested.is_object()) read(nested);
}

void ObjectReader::array(std::string_view key,
                         const std::function<void(const nlohmann::json&, const std::string&)>& read,
                         Need need) {
  const auto* value = take(key, need);
  if (value == nullptr) return;
  if (!value->is_array()) {
    error(key, "expected an array, got " + describe_json_type(*value));
    return;
  }
  for (std::size_t i = 0; i < value->size(); ++i) {
    read((*value)[i], append_pointer(pointer_of(key), i));
  }
}

void ObjectReader::object_array(std::string_view key,
                                const std::function<void(ObjectReader&)>& read, Need need) {
  array(
      key,
      [&](const nlohmann::json& item, const std::string& pointer) {
        ObjectReader element(item, pointer, diagnostics_);
        if (element.is_object()) read(element);
      },
      need);
}

std::string ObjectReader::join_quoted(const std::vector<std::string_view>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += '"';
    out += n;
    out += '"';
  }
  return out;
}

}  // namespace openclawd::config
