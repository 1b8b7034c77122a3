// Walks `gog schema` output into a policy document. A flag whose arity cannot
// be told from its Go type is left out (and noted): guessing wrong would let
// the gate and Kong read the next word differently, while leaving it out only
// makes the gate refuse it.
#include "openclawd/gate/gog_schema_import.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "openclawd/gate/policy.hpp"
#include "policy_reader.hpp"

namespace openclawd::gate {
namespace {

using detail::escape_pointer_token;
using detail::is_flag_or_command_name;
using nlohmann::json;

// Last words of command paths that only read; anything else is marked write,
// so an unknown verb needs approval rather than running unasked.
bool reads(std::string_view verb) {
  static const std::set<std::string_view> kReadWords{
      "calendars", "cat",   "colors",  "conflicts", "events", "export", "find",
      "freebusy",  "get",   "history", "info",      "list",   "lists",  "ls",
      "metadata",  "query", "read",    "search",    "show",   "status", "url"};
  return kReadWords.count(verb) != 0;
}

enum class Arity { none, value, unknown };

// Go types as reflect prints them: bool and Kong's own boolean flag types take
// no value; scalars, pointers to them and slices/maps of them take one.
Arity arity_of(std::string type) {
  if (type == "bool" || type == "*bool" || type == "kong.helpFlag" || type == "kong.VersionFlag") {
    return Arity::none;
  }
  if (type.rfind("map[string]", 0) == 0) type = type.substr(11);
  while (type.rfind("[]", 0) == 0 || type.rfind("*", 0) == 0) {
    type = type.substr(type[0] == '*' ? 1 : 2);
  }
  static const std::set<std::string> kValueTypes{
      "string", "int",    "int8",   "int16",   "int32",   "int64",         "uint",     "uint8",
      "uint16", "uint32", "uint64", "float32", "float64", "time.Duration", "time.Time"};
  return kValueTypes.count(type) != 0 ? Arity::value : Arity::unknown;
}

bool is_integer_type(const std::string& type) {
  return type == "int" || type == "int8" || type == "int16" || type == "int32" || type == "int64" ||
         type == "uint" || type == "uint8" || type == "uint16" || type == "uint32" ||
         type == "uint64";
}

class Importer {
 public:
  explicit Importer(const SchemaImportOptions& options) : options_(options) {}

  Result<SchemaImport> run(const json& doc) {
    if (!doc.is_object()) return fail("", "expected the JSON object that `gog schema` prints");
    if (!doc.contains("schema_version") || doc.at("schema_version") != 1) {
      return fail("/schema_version",
                  "expected schema_version 1 (this importer knows that shape; check `gog schema` "
                  "against docs/gate.md)");
    }
    if (!doc.contains("command") || !doc.at("command").is_object() ||
        doc.at("command").value("type", "") != "application") {
      return fail("/command", "expected the application node (type \"application\")");
    }
    const json& root = doc.at("command");
    std::set<std::string> root_names;
    if (auto s = globals(root, root_names); !s) return s.error();
    if (auto s = walk(root, "/command", {}, root_names); !s) return s.error();
    for (const auto& only : options_.only) {
      if (used_only_.count(only) == 0) {
        return make_error("--only \"" + only + "\" matched no command in the schema");
      }
    }
    if (commands_.empty()) return make_error("the schema has no command to allow");

    json policy{
        {"$comment",
         "Written by `openclawd policy import-gog-schema` from `gog schema`. Trim it: remove "
         "every verb and flag the agent does not need (docs/gate.md)."},
        {"gog_path", options_.gog_path.string()},
        {"home", options_.home.string()},
        {"allow_write", false},
        {"gog_build", doc.value("build", "")},
        {"global_flags", globals_},
        {"commands", commands_},
        {"environment", {{"GOG_KEYRING_BACKEND", "file"}}},
        {"secret_environment", {{"GOG_KEYRING_PASSWORD", "/run/secrets/keyring-password"}}}};
    out_.policy_json = policy.dump(2) + "\n";
    // What the importer writes must load: a schema whose spellings collide is
    // refused here rather than by the gate at the agent's first call.
    if (auto loaded = parse_policy(out_.policy_json, "imported policy"); !loaded) {
      return make_error("the policy made from this schema does not load: " +
                        loaded.error().message);
    }
    return std::move(out_);
  }

 private:
  Error fail(const std::string& pointer, std::string_view what) const {
    return make_error("gog schema: " + (pointer.empty() ? std::string("/") : pointer) + ": " +
                      std::string(what));
  }

  void note(std::string text) { out_.notes.push_back(std::move(text)); }

  // A flag as the policy writes it, or null (noted) when it cannot be used.
  Result<json> flag(const json& f, const std::string& pointer, const std::string& where) {
    if (!f.is_object() || !f.contains("name") || !f.at("name").is_string()) {
      return fail(pointer, "expected a flag object with a \"name\"");
    }
    const std::string name = f.at("name").get<std::string>();
    const std::string type = f.value("type", "");
    if (!is_flag_or_command_name(name)) {
      note(where + ": left out flag \"" + name + "\": not a name the gate can match");
      return json();
    }
    if (f.value("hidden", false)) {
      note(where + ": left out hidden flag --" + name);
      return json();
    }
    const Arity arity = arity_of(type);
    if (arity == Arity::unknown) {
      note(where + ": left out --" + name + ": cannot tell from its type \"" + type +
           "\" whether it takes a value");
      return json();
    }
    json spec{{"takes_value", arity == Arity::value}, {"type", type}};
    if (f.contains("help") && f.at("help").is_string()) spec["help"] = f.at("help");
    if (f.contains("short") && f.at("short").is_string() &&
        !f.at("short").get<std::string>().empty()) {
      const auto s = f.at("short").get<std::string>();
      if (s.size() != 1 || !std::isalnum(static_cast<unsigned char>(s[0]))) {
        note(where + ": left out --" + name + ": its short \"" + s + "\" is not one ASCII letter");
        return json();
      }
      spec["short"] = s;
    }
    json aliases = json::array();
    for (const auto& a : f.value("aliases", json::array())) {
      if (a.is_string() && is_flag_or_command_name(a.get<std::string>())) aliases.push_back(a);
    }
    if (!aliases.empty()) spec["aliases"] = aliases;
    if (arity == Arity::value) {
      const auto enums = f.value("enum", json::array());
      if (enums.is_array() && !enums.empty()) spec["enum"] = enums;
      if (is_integer_type(type)) spec["pattern"] = "-?[0-9]+";
    }
    return spec;
  }

  Status globals(const json& root, std::set<std::string>& root_names) {
    const auto& safe = safe_global_flags();
    const auto flags = root.value("flags", json::array());
    for (std::size_t i = 0; i < flags.size(); ++i) {
      const auto pointer = "/command/flags/" + std::to_string(i);
      auto spec = flag(flags[i], pointer, "global");
      if (!spec) return spec.error();
      const std::string name = flags[i].at("name").get<std::string>();
      root_names.insert(name);
      if (spec->is_null()) continue;
      if (std::find(safe.begin(), safe.end(), name) == safe.end()) {
        note("global: left out --" + name + " (not one of the safe global flags)");
        continue;
      }
      globals_[name] = *spec;
    }
    return ok_status();
  }

  bool wanted(const std::string& path) {
    if (options_.only.empty()) return true;
    for (const auto& only : options_.only) {
      if (path == only || path.rfind(only + " ", 0) == 0) {
        used_only_.insert(only);
        return true;
      }
    }
    return false;
  }

  // Aliases Kong can resolve: not a sibling's name, not taken by an earlier sibling.
  static std::map<std::string, json> child_aliases(const json& children) {
    std::set<std::string> names;
    for (const auto& c : children) names.insert(c.value("name", ""));
    std::set<std::string> taken;
    std::map<std::string, json> out;
    for (const auto& c : children) {
      json kept = json::array();
      for (const auto& a : c.value("aliases", json::array())) {
        if (!a.is_string()) continue;
        const auto alias = a.get<std::string>();
        if (is_flag_or_command_name(alias) && names.count(alias) == 0 &&
            taken.insert(alias).second) {
          kept.push_back(alias);
        }
      }
      out[c.value("name", "")] = kept;
    }
    return out;
  }

  Status walk(const json& node, const std::string& pointer, const std::vector<std::string>& path,
              const std::set<std::string>& inherited) {
    const auto children = node.value("subcommands", json::array());
    if (!children.is_array()) return fail(pointer + "/subcommands", "expected an array");
    const auto aliases = child_aliases(children);
    for (std::size_t i = 0; i < children.size(); ++i) {
      const auto& child = children[i];
      const auto child_pointer = pointer + "/subcommands/" + std::to_string(i);
      if (!child.is_object() || !child.contains("name") || !child.at("name").is_string()) {
        return fail(child_pointer, "expected a command object with a \"name\"");
      }
      const std::string name = child.at("name").get<std::string>();
      auto child_path = path;
      child_path.push_back(name);
      std::string joined;
      for (const auto& w : child_path) joined += (joined.empty() ? "" : " ") + w;
      if (!is_flag_or_command_name(name) || child.value("hidden", false)) {
        note(joined + ": left out (hidden, or not a name the gate can match)");
        continue;
      }
      const bool has_children = child.contains("subcommands") && !child.at("subcommands").empty();
      // Flags this node adds to those it inherits.
      std::set<std::string> names = inherited;
      for (const auto& f : child.value("flags", json::array())) names.insert(f.value("name", ""));
      if (has_children) {
        if (!child.value("positionals", json::array()).empty() ||
            child.value("passthrough", false)) {
          note(joined +
               ": left out with everything under it: it takes positionals before its "
               "commands, which the gate does not model");
          continue;
        }
        if (auto s = walk(child, child_pointer, child_path, names); !s) return s;
        if (commands_.contains(joined) || has_verb_under(joined)) {
          const auto& a = aliases.at(name);
          if (!a.empty()) commands_[joined] = json{{"aliases", a}};
        }
        continue;
      }
      if (!wanted(joined)) continue;
      if (child.value("passthrough", false)) {
        note(joined + ": left out: it passes its arguments through unparsed");
        continue;
      }
      json verb{{"class", reads(name) ? "read" : "write"}};
      if (!aliases.at(name).empty()) verb["aliases"] = aliases.at(name);
      json flags = json::object();
      const auto all = child.value("flags", json::array());
      for (std::size_t j = 0; j < all.size(); ++j) {
        const std::string flag_name = all[j].value("name", "");
        if (inherited.count(flag_name) != 0) continue;  // a global or a group's flag
        auto spec = flag(all[j], child_pointer + "/flags/" + std::to_string(j), joined);
        if (!spec) return spec.error();
        if (!spec->is_null()) flags[flag_name] = *spec;
      }
      if (!flags.empty()) verb["flags"] = flags;
      (reads(name) ? out_.read_verbs : out_.write_verbs) += 1;
      commands_[joined] = verb;
    }
    return ok_status();
  }

  bool has_verb_under(const std::string& group) const {
    for (const auto& [path, spec] : commands_.items()) {
      if (path.rfind(group + " ", 0) == 0) return true;
    }
    return false;
  }

  const SchemaImportOptions& options_;
  json globals_ = json::object();
  json commands_ = json::object();
  std::set<std::string> used_only_;
  SchemaImport out_;
};

}  // namespace

const std::vector<std::string>& safe_global_flags() {
  // Output shape and switches that only make gog do less. Never: --account,
  // --client, --access-token, --home, --enable-commands*, --disable-commands
  // (they choose credentials, config root or the command filter), --force.
  static const std::vector<std::string> kSafe{
      "color",    "dry-run", "gmail-no-send", "help",   "json",
      "no-input", "plain",   "results-only",  "select", "wrap-untrusted"};
  return kSafe;
}

Result<SchemaImport> import_gog_schema(std::string_view schema_json,
                                       const SchemaImportOptions& options) {
  json doc;
  try {
    doc = json::parse(schema_json);
  } catch (const json::exception& e) {
    return make_error(std::string("gog schema: not valid JSON (") + e.what() +
                      "); pipe `gog schema` straight in");
  }
  try {
    return Importer(options).run(doc);
  } catch (const json::exception& e) {
    // value() on a member of the wrong type, e.g. "flags": 3
    return make_error(std::string("gog schema: unexpected shape: ") + e.what());
  }
}

}  // namespace openclawd::gate
