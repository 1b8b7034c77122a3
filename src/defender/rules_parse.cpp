// Reading policies/defender/rules.json. Every error names the file, the JSON
// pointer of the bad value and what a valid value looks like.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "openclawd/defender/decision_log.hpp"
#include "openclawd/defender/rules.hpp"

namespace openclawd::defender {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 11> kLanguages = {"any", "en", "ja", "zh", "ko", "es",
                                                         "fr",  "de", "ru", "pt", "ar"};

class RuleReader {
 public:
  explicit RuleReader(std::string_view origin) : origin_(origin) {}

  Error error(const std::string& pointer, const std::string& problem) const {
    return make_error(std::string(origin_) + ": " + pointer + ": " + problem);
  }

  Result<std::string> string(const json& object, const std::string& pointer, const char* key,
                             bool required) const {
    const auto found = object.find(key);
    if (found == object.end()) {
      if (required) return error(pointer, std::string("missing \"") + key + "\" (a string)");
      return std::string();
    }
    if (!found->is_string() || (required && found->get_ref<const std::string&>().empty())) {
      return error(pointer + "/" + key, "must be a non-empty string");
    }
    return found->get<std::string>();
  }

  Result<std::vector<std::string>> strings(const json& object, const std::string& pointer,
                                           const char* key, bool required) const {
    std::vector<std::string> out;
    const auto found = object.find(key);
    if (found == object.end()) {
      if (required)
        return error(pointer, std::string("missing \"") + key + "\" (a list of strings)");
      return out;
    }
    if (!found->is_array()) return error(pointer + "/" + key, "must be a list of strings");
    for (std::size_t i = 0; i < found->size(); ++i) {
      const auto& item = (*found)[i];
      if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
        return error(pointer + "/" + key + "/" + std::to_string(i), "must be a non-empty string");
      }
      out.push_back(item.get<std::string>());
    }
    if (required && out.empty()) return error(pointer + "/" + key, "must not be empty");
    return out;
  }

  Result<std::array<Action, 4>> severity_table(const json& object, const std::string& pointer,
                                               std::array<Action, 4> table) const {
    if (!object.is_object()) {
      return error(pointer,
                   "must be an object such as {\"critical\": \"block\", \"low\": \"warn\"}");
    }
    for (const auto& [key, value] : object.items()) {
      const auto severity = parse_severity(key);
      if (!severity)
        return error(pointer + "/" + key, "unknown severity; use low, medium, high or critical");
      const auto action = value.is_string() ? parse_action(value.get<std::string>()) : std::nullopt;
      if (!action)
        return error(pointer + "/" + key,
                     "unknown action; use allow, log, warn, sanitize or block");
      table[static_cast<std::size_t>(*severity)] = *action;
    }
    return table;
  }

  Result<Rule> rule(const json& object, const std::string& pointer) const {
    if (!object.is_object()) return error(pointer, "each rule must be an object");
    static const std::set<std::string> known_keys = {
        "id",      "category",    "severity", "confidence",  "patterns",        "languages",
        "sources", "description", "action",   "replacement", "redact_evidence", "signal",
        "when",    "raise",       "unless"};
    for (const auto& [key, value] : object.items()) {
      if (!known_keys.count(key))
        return error(pointer + "/" + key, "unknown key; remove it (typo?)");
    }
    Rule rule;
    auto id = string(object, pointer, "id", true);
    if (!id) return id.error();
    rule.id = *id;
    auto category = string(object, pointer, "category", true);
    if (!category) return category.error();
    rule.category = *category;
    auto severity_text = string(object, pointer, "severity", true);
    if (!severity_text) return severity_text.error();
    const auto severity = parse_severity(*severity_text);
    if (!severity) return error(pointer + "/severity", "use low, medium, high or critical");
    rule.severity = *severity;
    if (const auto found = object.find("confidence"); found != object.end()) {
      if (!found->is_number() || found->get<double>() < 0.0 || found->get<double>() > 1.0) {
        return error(pointer + "/confidence", "must be a number from 0 to 1");
      }
      rule.confidence = found->get<double>();
    }
    auto patterns = strings(object, pointer, "patterns", true);
    if (!patterns) return patterns.error();
    rule.patterns = std::move(*patterns);
    auto languages = strings(object, pointer, "languages", true);
    if (!languages) return languages.error();
    for (std::size_t i = 0; i < languages->size(); ++i) {
      if (std::find(kLanguages.begin(), kLanguages.end(), (*languages)[i]) == kLanguages.end()) {
        return error(pointer + "/languages/" + std::to_string(i),
                     "unknown language; use any, en, ja, zh, ko, es, fr, de, ru, pt or ar");
      }
    }
    rule.languages = std::move(*languages);
    auto sources = strings(object, pointer, "sources", false);
    if (!sources) return sources.error();
    for (std::size_t i = 0; i < sources->size(); ++i) {
      if (!is_known_source((*sources)[i])) {
        return error(pointer + "/sources/" + std::to_string(i),
                     "unknown source; use discord_message, tool_result, web_fetch, email, "
                     "outbound_message or tool_call");
      }
    }
    rule.sources = std::move(*sources);
    auto description = string(object, pointer, "description", true);
    if (!description) return description.error();
    rule.description = *description;
    auto action_text = string(object, pointer, "action", false);
    if (!action_text) return action_text.error();
    if (!action_text->empty()) {
      rule.action = parse_action(*action_text);
      if (!rule.action)
        return error(pointer + "/action", "use allow, log, warn, sanitize or block");
    }
    auto replacement = string(object, pointer, "replacement", false);
    if (!replacement) return replacement.error();
    if (!replacement->empty()) rule.replacement = *replacement;
    if (const auto found = object.find("redact_evidence"); found != object.end()) {
      if (!found->is_boolean()) return error(pointer + "/redact_evidence", "must be true or false");
      rule.redact_evidence = found->get<bool>();
    }
    auto signal = string(object, pointer, "signal", rule.is_signal());
    if (!signal) return signal.error();
    if (!signal->empty() && !rule.is_signal()) {
      return error(pointer + "/signal", "only rules of category \"signal\" mark a signal");
    }
    rule.signal = *signal;
    auto when = strings(object, pointer, "when", false);
    if (!when) return when.error();
    rule.when = std::move(*when);
    auto unless = strings(object, pointer, "unless", false);
    if (!unless) return unless.error();
    rule.unless = std::move(*unless);
    if (const auto found = object.find("raise"); found != object.end()) {
      const std::string at = pointer + "/raise";
      if (!found->is_object()) {
        return error(at,
                     "must be an object such as {\"signals\": [\"addressee\"], \"min\": 1, "
                     "\"severity\": \"high\", \"confidence\": 0.85}");
      }
      for (const auto& [key, value] : found->items()) {
        if (key != "signals" && key != "min" && key != "severity" && key != "confidence") {
          return error(at + "/" + key, "unknown key; use signals, min, severity, confidence");
        }
      }
      Rule::Raise raise;
      auto signals = strings(*found, at, "signals", true);
      if (!signals) return signals.error();
      raise.signals = std::move(*signals);
      if (const auto min = found->find("min"); min != found->end()) {
        if (!min->is_number_unsigned() || min->get<std::size_t>() < 1 ||
            min->get<std::size_t>() > raise.signals.size()) {
          return error(at + "/min", "must be a whole number from 1 to the number of signals");
        }
        raise.min = min->get<std::size_t>();
      }
      auto severity_text = string(*found, at, "severity", true);
      if (!severity_text) return severity_text.error();
      const auto severity = parse_severity(*severity_text);
      if (!severity) return error(at + "/severity", "use low, medium, high or critical");
      raise.severity = *severity;
      if (const auto confidence = found->find("confidence"); confidence != found->end()) {
        if (!confidence->is_number() || confidence->get<double>() < 0.0 ||
            confidence->get<double>() > 1.0) {
          return error(at + "/confidence", "must be a number from 0 to 1");
        }
        raise.confidence = confidence->get<double>();
      }
      rule.raise = std::move(raise);
    }
    return rule;
  }

 private:
  std::string_view origin_;
};

}  // namespace

Result<RuleSet> parse_rules(std::string_view json_text, std::string_view origin) {
  RuleReader reader(origin);
  json document = json::parse(json_text, nullptr, false);
  if (document.is_discarded()) return reader.error("", "not valid JSON; check the syntax");
  if (!document.is_object())
    return reader.error("", "must be an object with \"version\" and \"rules\"");
  const auto version = document.find("version");
  if (version == document.end() || !version->is_number_integer() || version->get<int>() != 1) {
    return reader.error("/version", "must be 1");
  }
  RuleSet set;
  if (const auto actions = document.find("actions"); actions != document.end()) {
    if (!actions->is_object()) return reader.error("/actions", "must be an object");
    for (const auto& [key, value] : actions->items()) {
      if (key == "default") {
        auto table = reader.severity_table(value, "/actions/default", set.actions.by_severity);
        if (!table) return table.error();
        set.actions.by_severity = *table;
      } else if (key == "sources") {
        if (!value.is_object())
          return reader.error("/actions/sources", "must be an object keyed by source");
        for (const auto& [source, table_json] : value.items()) {
          if (!is_known_source(source)) {
            return reader.error("/actions/sources/" + source, "unknown source");
          }
          set.actions.per_source[source] = set.actions.by_severity;
        }
      } else {
        return reader.error("/actions/" + key, "unknown key; use \"default\" or \"sources\"");
      }
    }
    // Per-source tables start from the (possibly overridden) default table.
    if (const auto sources = actions->find("sources"); sources != actions->end()) {
      for (const auto& [source, table_json] : sources->items()) {
        auto table = reader.severity_table(table_json, "/actions/sources/" + source,
                                           set.actions.by_severity);
        if (!table) return table.error();
        set.actions.per_source[source] = *table;
      }
    }
  }
  const auto rules = document.find("rules");
  if (rules == document.end() || !rules->is_array() || rules->empty()) {
    return reader.error("/rules", "must be a non-empty list of rules");
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const std::string pointer = "/rules/" + std::to_string(i);
    auto rule = reader.rule((*rules)[i], pointer);
    if (!rule) return rule.error();
    if (!ids.insert(rule->id).second) {
      return reader.error(pointer + "/id",
                          "duplicate rule id \"" + rule->id + "\"; ids must be unique");
    }
    set.rules.push_back(std::move(*rule));
  }
  std::set<std::string> signals;
  for (const auto& rule : set.rules) {
    if (rule.is_signal()) signals.insert(rule.signal);
  }
  for (std::size_t i = 0; i < set.rules.size(); ++i) {
    const auto& rule = set.rules[i];
    std::vector<std::pair<std::string, const std::vector<std::string>*>> uses = {
        {"when", &rule.when}, {"unless", &rule.unless}};
    if (rule.raise) uses.emplace_back("raise/signals", &rule.raise->signals);
    for (const auto& [key, names] : uses) {
      for (std::size_t k = 0; k < names->size(); ++k) {
        if (!signals.count((*names)[k])) {
          return reader.error("/rules/" + std::to_string(i) + "/" + key + "/" + std::to_string(k),
                              "no rule of category \"signal\" marks \"" + (*names)[k] +
                                  "\"; add one or fix the name");
        }
      }
    }
  }
  for (const auto& [key, value] : document.items()) {
    if (key != "version" && key != "rules" && key != "actions" && key != "description") {
      return reader.error("/" + key, "unknown key; use version, description, actions, rules");
    }
  }
  return set;
}

Result<RuleSet> load_rules_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return make_error("cannot read defender rules " + path.string() +
                      ": no such file or not readable; set defender.rules or pass --rules");
  }
  std::ostringstream content;
  content << file.rdbuf();
  auto rules = parse_rules(content.str(), path.string());
  if (rules) rules->source_sha256 = sha256_hex(content.str());
  return rules;
}

}  // namespace openclawd::defender
