// The allowlist part of the policy: `/global_flags` and `/commands`. Every
// spelling a verb accepts must name exactly one flag, and every alias exactly
// one command, or the gate and Kong could read one word two ways.
#include <re2/re2.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "policy_reader.hpp"

namespace openclawd::gate::detail {
namespace {

using nlohmann::json;

bool is_letter_or_digit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Result<bool> boolean(const PolicyReader& r, const json& object, const std::string& key,
                     const std::string& pointer, std::optional<bool> fallback) {
  if (!object.contains(key)) {
    if (fallback) return *fallback;
    return r.fail(pointer + "/" + key, "missing: true or false");
  }
  if (!object.at(key).is_boolean()) return r.fail(pointer + "/" + key, "expected true or false");
  return object.at(key).get<bool>();
}

Status parse_constraints(const PolicyReader& r, const json& spec, const std::string& pointer,
                         FlagSpec& flag) {
  if (spec.contains("enum")) {
    auto values = r.strings(
        spec.at("enum"), pointer + "/enum", [](std::string_view) { return true; }, "values");
    if (!values) return values.error();
    if (values->empty()) return r.fail(pointer + "/enum", "expected at least one value");
    flag.allowed_values = std::move(*values);
  }
  if (spec.contains("pattern")) {
    if (!spec.at("pattern").is_string()) return r.fail(pointer + "/pattern", "expected a string");
    flag.pattern = spec.at("pattern").get<std::string>();
    RE2::Options options;
    options.set_log_errors(false);
    auto compiled = std::make_shared<RE2>(flag.pattern, options);
    if (!compiled->ok()) {
      return r.fail(pointer + "/pattern", "not a valid RE2 pattern: " + compiled->error());
    }
    flag.compiled_pattern = std::move(compiled);
  }
  if (spec.contains("max_length")) {
    const auto& v = spec.at("max_length");
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() == 0 ||
        v.get<std::uint64_t>() > (1u << 20)) {
      return r.fail(pointer + "/max_length", "expected an integer from 1 to 1048576");
    }
    flag.max_length = static_cast<std::size_t>(v.get<std::uint64_t>());
  }
  return ok_status();
}

Result<FlagSpec> parse_flag(const PolicyReader& r, const std::string& name, const json& spec,
                            const std::string& pointer) {
  if (!is_flag_or_command_name(name)) {
    return r.fail(pointer,
                  "flag names are ASCII letters, digits, '-', '_' or '.', not starting with '-' "
                  "(write \"max\" for --max)");
  }
  if (!spec.is_object()) {
    return r.fail(pointer, "expected an object such as {\"takes_value\": true}");
  }
  if (auto s = r.only_keys(spec, pointer,
                           {"$comment", "takes_value", "short", "aliases", "negatable", "type",
                            "help", "enum", "pattern", "max_length"});
      !s) {
    return s.error();
  }
  FlagSpec flag;
  flag.name = name;
  auto takes_value = boolean(r, spec, "takes_value", pointer, std::nullopt);
  if (!takes_value) return takes_value.error();
  flag.takes_value = *takes_value;
  auto negatable = boolean(r, spec, "negatable", pointer, false);
  if (!negatable) return negatable.error();
  flag.negatable = *negatable;
  if (flag.negatable && flag.takes_value) {
    return r.fail(pointer + "/negatable", "only a boolean flag (takes_value false) is negatable");
  }
  if (spec.contains("short")) {
    const auto& s = spec.at("short");
    if (!s.is_string() || s.get<std::string>().size() != 1 ||
        !is_letter_or_digit(s.get<std::string>()[0])) {
      return r.fail(pointer + "/short", "expected one ASCII letter or digit, e.g. \"z\" for -z");
    }
    flag.short_name = s.get<std::string>()[0];
  }
  if (spec.contains("aliases")) {
    auto aliases = r.strings(spec.at("aliases"), pointer + "/aliases", is_flag_or_command_name,
                             "flag names without dashes");
    if (!aliases) return aliases.error();
    flag.aliases = std::move(*aliases);
  }
  for (const char* key : {"type", "help"}) {
    if (spec.contains(key) && !spec.at(key).is_string()) {
      return r.fail(pointer + "/" + key, "expected a string");
    }
  }
  flag.type = spec.value("type", "");
  if (!flag.takes_value) {
    for (const char* key : {"enum", "pattern", "max_length"}) {
      if (spec.contains(key)) {
        return r.fail(pointer + "/" + key, "constraints apply to flags that take a value only");
      }
    }
  }
  if (auto s = parse_constraints(r, spec, pointer, flag); !s) return s.error();
  return flag;
}

// Every spelling (--name, --alias, --no-name, -s) of the flags in one scope.
class Spellings {
 public:
  explicit Spellings(const PolicyReader& r) : r_(r) {}
  Status add(const FlagSpec& flag, const std::string& pointer) {
    std::vector<std::string> all{"--" + flag.name};
    if (flag.negatable) all.push_back("--no-" + flag.name);
    if (flag.short_name != 0) all.push_back(std::string("-") + flag.short_name);
    for (const auto& a : flag.aliases) all.push_back((a.size() == 1 ? "-" : "--") + a);
    for (const auto& s : all) {
      if (!seen_.insert(s).second) {
        return r_.fail(pointer,
                       s + " already names another flag in this scope; one spelling, one flag");
      }
    }
    return ok_status();
  }

 private:
  const PolicyReader& r_;
  std::set<std::string> seen_;
};

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> words;
  std::istringstream in{std::string(path)};
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

CommandNode& node_at(CommandNode& root, const std::vector<std::string>& words) {
  CommandNode* node = &root;
  for (const auto& w : words) {
    auto it = std::find_if(node->children.begin(), node->children.end(),
                           [&](const CommandNode& c) { return c.name == w; });
    if (it == node->children.end()) {
      node->children.push_back(CommandNode{w, {}, std::nullopt, {}, {}});
      it = node->children.end() - 1;
    }
    node = &*it;
  }
  return *node;
}

// Aliases must not collide with a sibling's name or alias (Kong would ignore
// or shadow them); groups must hold a verb and verbs must be leaves.
Status check_tree(const PolicyReader& r, const CommandNode& node, const std::string& path) {
  std::set<std::string> names;
  for (const auto& c : node.children) names.insert(c.name);
  std::set<std::string> aliases;
  for (const auto& c : node.children) {
    const std::string child_path = path.empty() ? c.name : path + " " + c.name;
    const std::string pointer = "/commands/" + escape_pointer_token(child_path);
    for (const auto& a : c.aliases) {
      if (names.count(a) != 0 || !aliases.insert(a).second) {
        return r.fail(pointer + "/aliases",
                      "alias \"" + a + "\" is also the name or alias of a sibling command");
      }
    }
    if (c.is_verb() && !c.children.empty()) {
      return r.fail(pointer,
                    "is a verb and also has commands under it; gog runs leaves only, "
                    "so list the commands under it instead");
    }
    if (!c.is_verb() && c.children.empty()) {
      return r.fail(pointer, "a group without any verb under it; add a verb or remove it");
    }
    if (auto s = check_tree(r, c, child_path); !s) return s;
  }
  return ok_status();
}

void sort_tree(CommandNode& node) {
  std::sort(node.children.begin(), node.children.end(),
            [](const CommandNode& a, const CommandNode& b) { return a.name < b.name; });
  for (auto& c : node.children) sort_tree(c);
}

}  // namespace

Result<std::vector<FlagSpec>> parse_flags(const PolicyReader& r, const json& value,
                                          const std::string& pointer) {
  if (!value.is_object()) {
    return r.fail(pointer, "expected an object of flags, e.g. {\"max\": {\"takes_value\": true}}");
  }
  std::vector<FlagSpec> flags;
  Spellings spellings(r);
  for (const auto& [name, spec] : value.items()) {
    const auto flag_pointer = pointer + "/" + escape_pointer_token(name);
    auto flag = parse_flag(r, name, spec, flag_pointer);
    if (!flag) return flag.error();
    if (auto s = spellings.add(*flag, flag_pointer); !s) return s.error();
    flags.push_back(std::move(*flag));
  }
  return flags;
}

Status parse_commands(const PolicyReader& r, const json& value, Policy& policy) {
  if (!value.is_object() || value.empty()) {
    return r.fail("/commands",
                  "expected a non-empty object: \"gmail search\" → {\"class\": \"read\", "
                  "\"flags\": {…}}");
  }
  for (const auto& [path, spec] : value.items()) {
    const auto pointer = "/commands/" + escape_pointer_token(path);
    const auto words = split_path(path);
    std::string canonical;
    for (const auto& w : words) canonical += (canonical.empty() ? "" : " ") + w;
    if (words.empty() || canonical != path ||
        !std::all_of(words.begin(), words.end(),
                     [](const std::string& w) { return is_flag_or_command_name(w); })) {
      return r.fail(pointer,
                    "a command path is gog's command words separated by single spaces, e.g. "
                    "\"gmail messages search\"");
    }
    if (!spec.is_object()) return r.fail(pointer, "expected an object");
    if (auto s = r.only_keys(spec, pointer, {"$comment", "class", "aliases", "flags"}); !s) {
      return s.error();
    }
    CommandNode& node = node_at(policy.root, words);
    if (spec.contains("aliases")) {
      auto aliases = r.strings(spec.at("aliases"), pointer + "/aliases", is_flag_or_command_name,
                               "command names");
      if (!aliases) return aliases.error();
      node.aliases = std::move(*aliases);
    }
    if (!spec.contains("class")) {
      if (spec.contains("flags")) {
        return r.fail(pointer + "/flags", "only a verb (with \"class\") takes flags here");
      }
      continue;
    }
    if (spec.at("class") == "read") {
      node.verb_class = VerbClass::read;
    } else if (spec.at("class") == "write") {
      node.verb_class = VerbClass::write;
    } else {
      return r.fail(pointer + "/class", "expected \"read\" or \"write\"");
    }
    if (spec.contains("flags")) {
      auto flags = parse_flags(r, spec.at("flags"), pointer + "/flags");
      if (!flags) return flags.error();
      node.flags = std::move(*flags);
    }
    // A verb's flags share one scope with the global flags.
    Spellings scope(r);
    for (const auto& g : policy.global_flags) (void)scope.add(g, "/global_flags");
    for (const auto& f : node.flags) {
      if (auto s = scope.add(f, pointer + "/flags/" + escape_pointer_token(f.name)); !s) return s;
    }
  }
  if (auto s = check_tree(r, policy.root, ""); !s) return s;
  sort_tree(policy.root);
  return ok_status();
}

}  // namespace openclawd::gate::detail
