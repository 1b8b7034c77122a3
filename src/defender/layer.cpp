#include "openclawd/defender/layer.hpp"

#include "openclawd/defender/rules.hpp"

namespace openclawd::defender {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::low:
      return "low";
    case Severity::medium:
      return "medium";
    case Severity::high:
      return "high";
    case Severity::critical:
      return "critical";
  }
  return "low";
}

std::string_view to_string(Action action) {
  switch (action) {
    case Action::allow:
      return "allow";
    case Action::log:
      return "log";
    case Action::warn:
      return "warn";
    case Action::sanitize:
      return "sanitize";
    case Action::block:
      return "block";
  }
  return "allow";
}

std::string_view to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::rules:
      return "rules";
    case LayerKind::classifier:
      return "classifier";
    case LayerKind::judge:
      return "judge";
  }
  return "rules";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (const auto severity :
       {Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (to_string(severity) == text) return severity;
  }
  return std::nullopt;
}

std::optional<Action> parse_action(std::string_view text) {
  for (const auto action :
       {Action::allow, Action::log, Action::warn, Action::sanitize, Action::block}) {
    if (to_string(action) == text) return action;
  }
  return std::nullopt;
}

bool is_known_source(std::string_view source) {
  for (const auto known : kSources) {
    if (known == source) return true;
  }
  return false;
}

Action ActionPolicy::action_for(std::string_view source, Severity severity) const {
  const auto index = static_cast<std::size_t>(severity);
  const auto found = per_source.find(source);
  if (found != per_source.end()) return found->second[index];
  return by_severity[index];
}

}  // namespace openclawd::defender
