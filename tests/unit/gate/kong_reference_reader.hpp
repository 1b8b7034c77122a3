#pragma once
// A second, independent reading of gog's argv, written in the test from the
// rules of gog's parser, Kong (github.com/alecthomas/kong: scanner.go and
// context.go `trace`/`parseFlag`, mapper.go), and of gog's own pre-scans
// (internal/cmd/root.go). It follows Kong's shape, not the gate's: a stack of
// typed tokens that are split and pushed back, e.g. "-jzUTC" becomes
// short(j) tail(zUTC), then short(z) tail(UTC). Its model of the flags is read
// straight from the policy JSON, not from the gate's loader.
//
// The property (argv_property_test.cpp, gate_argv_fuzzer): whenever the gate
// allows a command, this reader must succeed and agree on the verb, every
// flag with its value, and the positionals. Any disagreement must be a
// refusal by the gate.
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace openclawd::gate::testing {

struct KongFlag {
  std::string name;
  std::vector<std::string> matches;  // "--max", "--limit", "-l", "--no-all"
  bool is_bool = false;
  bool negatable = false;
  bool sliced = false;  // []T or map: Kong splits the value on ','
};

struct KongNode {
  std::string name;
  std::vector<std::string> aliases;
  bool verb = false;
  std::vector<KongFlag> flags;
  std::vector<KongNode> children;
};

struct KongFlagUse {
  std::string name;
  std::string match;
  std::optional<std::string> value;
  bool negated = false;
  bool operator==(const KongFlagUse&) const = default;
};

struct KongReading {
  bool ok = false;
  std::string error;
  std::vector<std::string> path;
  std::vector<KongFlagUse> flags;
  std::vector<std::string> positionals;
};

inline KongFlag kong_flag(const std::string& name, const nlohmann::json& spec) {
  KongFlag f;
  f.name = name;
  f.is_bool = !spec.at("takes_value").get<bool>();
  f.negatable = spec.value("negatable", false);
  const std::string type = spec.value("type", "");
  f.sliced = type.rfind("[]", 0) == 0 || type.rfind("map[", 0) == 0;
  f.matches.push_back("--" + name);
  if (spec.contains("short")) f.matches.push_back("-" + spec.at("short").get<std::string>());
  for (const auto& a : spec.value("aliases", nlohmann::json::array())) {
    const auto alias = a.get<std::string>();
    f.matches.push_back((alias.size() == 1 ? "-" : "--") + alias);  // utf8 rune count 1 → short
  }
  if (f.negatable) f.matches.push_back("--no-" + name);
  return f;
}

inline KongNode kong_model(const std::string& policy_text, std::vector<KongFlag>& globals) {
  const auto doc = nlohmann::json::parse(policy_text);
  const auto global_specs = doc.value("global_flags", nlohmann::json::object());
  for (const auto& [name, spec] : global_specs.items()) {
    globals.push_back(kong_flag(name, spec));
  }
  KongNode root;
  for (const auto& [path, spec] : doc.at("commands").items()) {
    KongNode* node = &root;
    std::size_t start = 0;
    while (start <= path.size()) {
      auto space = path.find(' ', start);
      if (space == std::string::npos) space = path.size();
      const auto word = path.substr(start, space - start);
      KongNode* next = nullptr;
      for (auto& c : node->children) {
        if (c.name == word) next = &c;
      }
      if (next == nullptr) {
        node->children.push_back(KongNode{word, {}, false, {}, {}});
        next = &node->children.back();
      }
      node = next;
      start = space + 1;
    }
    for (const auto& a : spec.value("aliases", nlohmann::json::array())) {
      node->aliases.push_back(a.get<std::string>());
    }
    node->verb = spec.contains("class");
    const auto flag_specs = spec.value("flags", nlohmann::json::object());
    for (const auto& [name, fspec] : flag_specs.items()) {
      node->flags.push_back(kong_flag(name, fspec));
    }
  }
  return root;
}

class KongReader {
 public:
  KongReader(const KongNode& root, const std::vector<KongFlag>& globals)
      : root_(root), globals_(globals) {}

  KongReading read(std::vector<std::string> args) const {
    KongReading out;
    gog_prescan(args);
    if (home_override(args)) return error(out, "gog applies --home before parsing");
    std::vector<Token> stack;  // back() is the front of the line
    for (auto it = args.rbegin(); it != args.rend(); ++it) stack.push_back({Type::untyped, *it});
    const KongNode* node = &root_;
    std::vector<const KongFlag*> scope;
    for (const auto& g : globals_) scope.push_back(&g);
    while (!stack.empty()) {
      Token token = stack.back();
      switch (token.type) {
        case Type::untyped:
          stack.pop_back();
          if (token.text == "--") {
            // endParsing: everything left is positional.
            for (auto& t : stack) t.type = Type::positional;
          } else if (token.text.rfind("--", 0) == 0) {
            const auto eq = token.text.find('=', 2);
            if (eq != std::string::npos)
              stack.push_back({Type::flag_value, token.text.substr(eq + 1)});
            stack.push_back(
                {Type::flag, token.text.substr(2, eq == std::string::npos ? eq : eq - 2)});
          } else if (token.text.size() > 1 && token.text[0] == '-') {
            if (token.text.size() > 2) stack.push_back({Type::short_tail, token.text.substr(2)});
            stack.push_back({Type::short_flag, token.text.substr(1, 1)});
          } else {
            stack.push_back({Type::positional, token.text});
          }
          break;
        case Type::short_tail:
          stack.pop_back();
          if (token.text.size() > 1) stack.push_back({Type::short_tail, token.text.substr(1)});
          stack.push_back({Type::short_flag, token.text.substr(0, 1)});
          break;
        case Type::flag:
        case Type::short_flag: {
          const std::string match = (token.type == Type::flag ? "--" : "-") + token.text;
          const KongFlag* flag = nullptr;
          for (const auto* f : scope) {
            for (const auto& m : f->matches) {
              if (m == match && flag == nullptr) flag = f;
            }
          }
          if (flag == nullptr) return error(out, "unknown flag " + match);
          stack.pop_back();
          KongFlagUse use{flag->name, match, std::nullopt, match == "--no-" + flag->name};
          if (flag->is_bool) {
            if (!stack.empty() && stack.back().type == Type::flag_value) {
              const std::string written = stack.back().text;
              stack.pop_back();
              std::string v = written;
              for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
              if (v != "true" && v != "1" && v != "yes" && v != "false" && v != "0" && v != "no") {
                return error(out, "bool value");
              }
              use.value = written;  // the reading keeps the literal as written
            }
          } else {
            if (stack.empty()) return error(out, "missing value");
            const Token value = stack.back();
            stack.pop_back();
            if (flag->sliced) {
              // sliceDecoder: Pop (any token), split on unescaped ',', each
              // part re-scanned with the token's type and popped as a value.
              for (const auto& part : split_escaped(value.text)) {
                if (!is_value({value.type, part})) return error(out, "slice part");
              }
            } else if (!is_value(value)) {
              return error(out, "expected a value");
            }
            use.value = value.text;
          }
          out.flags.push_back(use);
          break;
        }
        case Type::flag_value:
          return error(out, "unexpected flag argument");
        case Type::positional: {
          if (node->verb) {
            out.positionals.push_back(token.text);
            stack.pop_back();
            break;
          }
          std::string word = token.text;
          bool is_name = false;
          for (const auto& c : node->children) is_name = is_name || c.name == word;
          if (!is_name) {
            for (const auto& c : node->children) {
              for (const auto& a : c.aliases) {
                if (a == word) {
                  word = c.name;
                  break;
                }
              }
              if (word != token.text) break;
            }
          }
          const KongNode* next = nullptr;
          for (const auto& c : node->children) {
            if (c.name == word) next = &c;
          }
          if (next == nullptr) return error(out, "unexpected argument");
          stack.pop_back();
          node = next;
          out.path.push_back(next->name);
          for (const auto& f : next->flags) scope.push_back(&f);
          break;
        }
      }
    }
    if (!node->verb) return error(out, "no leaf command");
    out.ok = true;
    return out;
  }

 private:
  enum class Type { untyped, flag, flag_value, short_flag, short_tail, positional };
  struct Token {
    Type type;
    std::string text;
  };

  static KongReading error(KongReading& out, std::string why) {
    out.ok = false;
    out.error = std::move(why);
    return out;
  }

  // Token.IsValue: a typed value, or an untyped word that is "-" or does not start with '-'.
  static bool is_value(const Token& t) {
    if (t.type == Type::flag_value || t.type == Type::short_tail || t.type == Type::positional) {
      return true;
    }
    return t.type == Type::untyped && (t.text == "-" || t.text.empty() || t.text[0] != '-');
  }

  static std::vector<std::string> split_escaped(const std::string& s) {
    std::vector<std::string> out;
    std::string part;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        part.push_back(s[++i]);
      } else if (s[i] == ',') {
        out.push_back(part);
        part.clear();
      } else {
        part.push_back(s[i]);
      }
    }
    out.push_back(part);
    return out;
  }

  // gog's rewriteDesirePathArgs: --fields becomes --select before Kong, for
  // commands without a local --fields (all of the test policy's).
  static void gog_prescan(std::vector<std::string>& args) {
    for (auto& a : args) {
      if (a == "--") break;
      if (a == "--fields") a = "--select";
      if (a.rfind("--fields=", 0) == 0) a = "--select=" + a.substr(9);
    }
  }

  // gog's preScanHomeArg: --home is applied before Kong runs.
  static bool home_override(const std::vector<std::string>& args) {
    for (const auto& a : args) {
      if (a == "--") return false;
      if (a == "--home" || a.rfind("--home=", 0) == 0) return true;
    }
    return false;
  }

  const KongNode& root_;
  const std::vector<KongFlag>& globals_;
};

}  // namespace openclawd::gate::testing
