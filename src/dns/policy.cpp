#include "openclawd/dns/policy.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace openclawd::dns {
namespace {

std::string normalize(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status check_pattern(const std::string& pattern, const std::string& where) {
  if (pattern.empty()) return make_error(fmt::format("{}: empty pattern; remove it", where));
  if (pattern == "*") return ok_status();
  const std::string_view rest =
      pattern.starts_with("*.") ? std::string_view(pattern).substr(2) : std::string_view(pattern);
  if (rest.empty() || rest.find('*') != std::string_view::npos || rest.starts_with('.') ||
      rest.find("..") != std::string_view::npos) {
    return make_error(
        fmt::format("{}: \"{}\" is not a name or a \"*.suffix\" wildcard (e.g. \"*.example.com\")",
                    where, pattern));
  }
  return ok_status();
}

Result<std::vector<std::string>> read_list(const nlohmann::json& section, const char* key,
                                           const std::string& pointer, const std::string& source) {
  std::vector<std::string> out;
  if (!section.contains(key)) return out;
  const auto& list = section.at(key);
  const std::string where = fmt::format("{}: {}/{}", source, pointer, key);
  if (!list.is_array()) return make_error(where + ": must be an array of names");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_where = fmt::format("{}/{}", where, i);
    if (!list[i].is_string()) return make_error(item_where + ": must be a string");
    auto pattern = normalize(list[i].get<std::string>());
    if (auto s = check_pattern(pattern, item_where); !s) return s.error();
    out.push_back(std::move(pattern));
  }
  return out;
}

Result<PolicyRules> read_rules(const nlohmann::json& section, const std::string& pointer,
                               const std::string& source) {
  if (!section.is_object()) {
    return make_error(
        fmt::format("{}: {}: must be an object with \"allow\" and \"deny\"", source, pointer));
  }
  for (const auto& [key, _] : section.items()) {
    if (key != "allow" && key != "deny" && key != "unlisted") {
      return make_error(fmt::format(
          "{}: {}/{}: unknown key; use \"allow\", \"deny\" or \"unlisted\"", source, pointer, key));
    }
  }
  auto allow = read_list(section, "allow", pointer, source);
  if (!allow) return allow.error();
  auto deny = read_list(section, "deny", pointer, source);
  if (!deny) return deny.error();
  std::optional<Unlisted> unlisted;
  if (section.contains("unlisted")) {
    const auto& value = section.at("unlisted");
    const std::string text = value.is_string() ? value.get<std::string>() : std::string();
    if (text == "allow") {
      unlisted = Unlisted::allow;
    } else if (text == "deny") {
      unlisted = Unlisted::deny;
    } else if (text == "ask") {
      unlisted = Unlisted::ask;
    } else {
      return make_error(fmt::format(
          "{}: {}/unlisted: must be \"allow\", \"deny\" or \"ask\" (what happens to names "
          "neither list matches)",
          source, pointer));
    }
  }
  return PolicyRules{std::move(*allow), std::move(*deny), unlisted};
}

}  // namespace

bool name_matches(std::string_view pattern, std::string_view name) {
  if (pattern == "*") return true;
  if (pattern.starts_with("*.")) {
    const std::string_view suffix = pattern.substr(1);  // ".example.com"
    return name.size() > suffix.size() && name.ends_with(suffix);
  }
  return pattern == name;
}

DnsPolicy::DnsPolicy(PolicyRules default_rules, std::map<std::string, PolicyRules> per_vm)
    : default_rules_(std::move(default_rules)), per_vm_(std::move(per_vm)) {
  for (auto* rules : {&default_rules_}) {
    for (auto& p : rules->allow) p = normalize(p);
    for (auto& p : rules->deny) p = normalize(p);
  }
  for (auto& [_, rules] : per_vm_) {
    for (auto& p : rules.allow) p = normalize(p);
    for (auto& p : rules.deny) p = normalize(p);
  }
}

Result<DnsPolicy> DnsPolicy::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    return make_error(
        fmt::format("cannot read DNS policy {}: check /dns/policy in the config", file.string()));
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.string());
}

Result<DnsPolicy> DnsPolicy::parse(std::string_view json_text, const std::string& source) {
  auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return make_error(fmt::format("{}: not valid JSON", source));
  if (!doc.is_object()) return make_error(fmt::format("{}: must be a JSON object", source));
  PolicyRules default_rules;
  std::map<std::string, PolicyRules> per_vm;
  for (const auto& [key, value] : doc.items()) {
    if (key == "default") {
      auto rules = read_rules(value, "/default", source);
      if (!rules) return rules.error();
      default_rules = std::move(*rules);
    } else if (key == "vms") {
      if (!value.is_object()) return make_error(fmt::format("{}: /vms: must be an object", source));
      for (const auto& [vm, section] : value.items()) {
        auto rules = read_rules(section, "/vms/" + vm, source);
        if (!rules) return rules.error();
        per_vm.emplace(vm, std::move(*rules));
      }
    } else {
      return make_error(
          fmt::format("{}: /{}: unknown key; use \"default\" or \"vms\"", source, key));
    }
  }
  return DnsPolicy(std::move(default_rules), std::move(per_vm));
}

PolicyDecision DnsPolicy::decide(std::string_view vm, std::string_view qname) const {
  const auto found = per_vm_.find(std::string(vm));
  const PolicyRules& rules = found != per_vm_.end() ? found->second : default_rules_;
  const std::string name = normalize(qname);
  for (const auto& pattern : rules.deny) {
    if (name_matches(pattern, name)) return {false, false, "deny:" + pattern};
  }
  for (const auto& pattern : rules.allow) {
    if (name_matches(pattern, name)) return {true, false, "allow:" + pattern};
  }
  if (!rules.unlisted) {
    if (rules.allow.empty()) return {true, false, ""};
    return {false, false, "not-in-allow-list"};
  }
  switch (*rules.unlisted) {
    case Unlisted::allow:
      return {true, false, "unlisted:allow"};
    case Unlisted::deny:
      return {false, false, "unlisted:deny"};
    case Unlisted::ask:
      return {false, true, "unlisted:ask"};
  }
  return {false, false, "unlisted:deny"};
}

}  // namespace openclawd::dns
