// Reads policies/gogcli.json strictly: unknown keys, wrong types and bad
// values are errors naming the JSON pointer, so a typo never widens the policy.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "policy_reader.hpp"

namespace openclawd::gate {
namespace detail {

std::string escape_pointer_token(std::string_view key) {
  std::string out;
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

Error PolicyReader::fail(const std::string& pointer, std::string_view what) const {
  return make_error(source_ + ": " + (pointer.empty() ? "/" : pointer) + ": " + std::string(what));
}

Status PolicyReader::only_keys(const nlohmann::json& object, const std::string& pointer,
                               std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return fail(pointer + "/" + escape_pointer_token(key),
                  "unknown key (known keys: " + list + ")");
    }
  }
  return ok_status();
}

Result<std::vector<std::string>> PolicyReader::strings(const nlohmann::json& value,
                                                       const std::string& pointer,
                                                       bool (*valid)(std::string_view),
                                                       std::string_view what) const {
  if (!value.is_array()) return fail(pointer, "expected an array of " + std::string(what));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string() || !valid(value[i].get<std::string>())) {
      return fail(pointer + "/" + std::to_string(i), "expected " + std::string(what));
    }
    out.push_back(value[i].get<std::string>());
  }
  return out;
}

bool is_flag_or_command_name(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace detail

namespace {

using nlohmann::json;
using Reader = detail::PolicyReader;
using detail::escape_pointer_token;

bool is_env_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// The gate sets these itself; a policy that set them would be ambiguous.
bool is_reserved_env(std::string_view s) {
  return s == "GOG_ENABLE_COMMANDS" || s == "GOG_JSON" || s == "HOME" || s == "PATH";
}

Result<std::filesystem::path> absolute_path(const Reader& r, const json& value,
                                            const std::string& pointer) {
  if (!value.is_string()) return r.fail(pointer, "expected a string (an absolute path)");
  std::filesystem::path path = value.get<std::string>();
  if (!path.is_absolute())
    return r.fail(pointer, "expected an absolute path, got \"" + path.string() + "\"");
  return path;
}

Result<std::size_t> positive(const Reader& r, const json& value, const std::string& pointer,
                             std::size_t max) {
  if (!value.is_number_unsigned() || value.get<std::uint64_t>() == 0 ||
      value.get<std::uint64_t>() > max) {
    return r.fail(pointer, "expected an integer from 1 to " + std::to_string(max));
  }
  return static_cast<std::size_t>(value.get<std::uint64_t>());
}

Status parse_limits(const Reader& r, const json& value, Limits& limits) {
  const std::string pointer = "/limits";
  if (!value.is_object()) return r.fail(pointer, "expected an object");
  if (auto s = r.only_keys(value, pointer, {"max_args", "max_arg_bytes", "max_command_bytes"}); !s)
    return s;
  struct Field {
    const char* key;
    std::size_t* target;
    std::size_t max;
  };
  for (const Field& f : {Field{"max_args", &limits.max_args, 4096},
                         Field{"max_arg_bytes", &limits.max_arg_bytes, 1 << 20},
                         Field{"max_command_bytes", &limits.max_command_bytes, 1 << 20}}) {
    if (!value.contains(f.key)) continue;
    auto n = positive(r, value.at(f.key), pointer + "/" + f.key, f.max);
    if (!n) return n.error();
    *f.target = *n;
  }
  return ok_status();
}

Result<Policy> parse_document(const Reader& r, const json& doc) {
  if (!doc.is_object()) return r.fail("", "expected a JSON object");
  if (doc.contains("subcommands") || doc.contains("denied_flags")) {
    return r.fail("",
                  "this is the old deny-list format (\"subcommands\", \"denied_flags\"); the gate "
                  "now takes an allowlist of verbs and flags: see docs/gate.md, or run "
                  "`gog schema | openclawd policy import-gog-schema`");
  }
  if (auto s =
          r.only_keys(doc, "",
                      {"$comment", "gog_path", "home", "allow_write", "gog_build", "global_flags",
                       "commands", "limits", "environment", "secret_environment"});
      !s) {
    return s.error();
  }
  Policy policy;
  if (!doc.contains("gog_path")) return r.fail("/gog_path", "missing: the absolute path of gog");
  auto gog = absolute_path(r, doc.at("gog_path"), "/gog_path");
  if (!gog) return gog.error();
  policy.gog_path = *gog;
  if (!doc.contains("home"))
    return r.fail("/home", "missing: HOME for gog, e.g. \"/persist/gogcli\"");
  auto home = absolute_path(r, doc.at("home"), "/home");
  if (!home) return home.error();
  policy.home = *home;

  if (doc.contains("allow_write")) {
    if (!doc.at("allow_write").is_boolean())
      return r.fail("/allow_write", "expected true or false");
    policy.allow_write = doc.at("allow_write").get<bool>();
  }

  if (doc.contains("gog_build")) {
    if (!doc.at("gog_build").is_string()) return r.fail("/gog_build", "expected a string");
    policy.gog_build = doc.at("gog_build").get<std::string>();
  }
  if (doc.contains("global_flags")) {
    auto flags = detail::parse_flags(r, doc.at("global_flags"), "/global_flags");
    if (!flags) return flags.error();
    policy.global_flags = std::move(*flags);
  }
  if (!doc.contains("commands")) return r.fail("/commands", "missing: the allowed verbs");
  if (auto s = detail::parse_commands(r, doc.at("commands"), policy); !s) return s.error();

  if (doc.contains("limits")) {
    if (auto s = parse_limits(r, doc.at("limits"), policy.limits); !s) return s.error();
  }

  if (doc.contains("environment")) {
    const auto& env = doc.at("environment");
    if (!env.is_object()) return r.fail("/environment", "expected an object of NAME: value");
    for (const auto& [name, value] : env.items()) {
      const auto pointer = "/environment/" + escape_pointer_token(name);
      if (!is_env_name(name)) return r.fail(pointer, "variable names are A-Z, 0-9 and '_'");
      if (is_reserved_env(name)) return r.fail(pointer, "set by the gate itself; remove it");
      if (!value.is_string()) return r.fail(pointer, "expected a string");
      policy.environment[name] = value.get<std::string>();
    }
  }
  if (doc.contains("secret_environment")) {
    const auto& env = doc.at("secret_environment");
    if (!env.is_object())
      return r.fail("/secret_environment", "expected an object of NAME: \"/run/secrets/file\"");
    for (const auto& [name, value] : env.items()) {
      const auto pointer = "/secret_environment/" + escape_pointer_token(name);
      if (!is_env_name(name)) return r.fail(pointer, "variable names are A-Z, 0-9 and '_'");
      if (is_reserved_env(name) || policy.environment.count(name) != 0) {
        return r.fail(pointer, "already set by the gate or by /environment; remove one");
      }
      auto path = absolute_path(r, value, pointer);
      if (!path) return path.error();
      policy.secret_environment[name] = *path;
    }
  }
  return policy;
}

}  // namespace

std::string_view to_string(VerbClass verb_class) {
  return verb_class == VerbClass::write ? "write" : "read";
}

std::string Policy::enabled_commands() const {
  std::string out;
  for (const auto& command : root.children) out += (out.empty() ? "" : ",") + command.name;
  return out;
}

Result<Policy> parse_policy(std::string_view json_text, std::string_view source) {
  Reader reader(source);
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    return make_error(std::string(source) + ": not valid JSON (byte " + std::to_string(e.byte) +
                      "); fix the syntax");
  } catch (const json::exception& e) {
    // e.g. a number too large for any JSON number type (out_of_range.406)
    return make_error(std::string(source) + ": not valid JSON: " + e.what());
  }
  return parse_document(reader, doc);
}

Result<Policy> load_policy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return make_error(file.string() +
                      ": cannot read the gate policy (is the path right and readable?)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1 << 20))
    return make_error(file.string() + ": policy larger than 1 MiB");
  return parse_policy(text.str(), file.string());
}

}  // namespace openclawd::gate
