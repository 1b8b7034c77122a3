// The decisions file's format and the names it may hold (egress_decisions.hpp).
#include <fmt/format.h>

#include <cctype>

#include "openclawd/dns/egress_decisions.hpp"

namespace openclawd::dns {
namespace {

using nlohmann::json;

std::int64_t unix_seconds(WallClock::time_point at) {
  return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

WallClock::time_point from_unix_seconds(std::int64_t seconds) {
  return WallClock::time_point(std::chrono::seconds(seconds));
}

// Unix seconds in a range that no overflow can reach (years 1970 to ~5000).
constexpr std::int64_t kLatestSeconds = 100'000'000'000;

Result<WallClock::time_point> read_time(const json& entry, const char* key,
                                        const std::string& where) {
  const auto& value = entry.at(key);
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
      value.get<std::int64_t>() > kLatestSeconds) {
    return make_error(fmt::format("{}/{}: must be a time in Unix seconds", where, key));
  }
  return from_unix_seconds(value.get<std::int64_t>());
}

Result<EgressDecision> read_decision(const json& entry, const std::string& where) {
  if (!entry.is_object()) return make_error(where + ": must be an object");
  for (const auto& [key, _] : entry.items()) {
    if (key != "vm" && key != "name" && key != "decision" && key != "decided_at" &&
        key != "expires_at") {
      return make_error(fmt::format("{}/{}: unknown key", where, key));
    }
  }
  for (const char* key : {"vm", "name", "decision", "decided_at"}) {
    if (!entry.contains(key)) return make_error(fmt::format("{}: \"{}\" is missing", where, key));
  }
  EgressDecision decision;
  if (!entry["vm"].is_string() || entry["vm"].get<std::string>().empty()) {
    return make_error(where + "/vm: must be a VM name");
  }
  decision.vm = entry["vm"].get<std::string>();
  if (!entry["name"].is_string()) return make_error(where + "/name: must be a DNS name");
  auto name = canonical_destination(entry["name"].get<std::string>());
  if (!name) return make_error(fmt::format("{}/name: {}", where, name.error().message));
  decision.name = std::move(*name);
  const auto& verdict = entry["decision"];
  if (verdict == "allow") {
    decision.verdict = EgressVerdict::allow;
  } else if (verdict == "deny") {
    decision.verdict = EgressVerdict::deny;
  } else {
    return make_error(where + "/decision: must be \"allow\" or \"deny\"");
  }
  auto decided = read_time(entry, "decided_at", where);
  if (!decided) return decided.error();
  decision.decided_at = *decided;
  if (entry.contains("expires_at") && !entry["expires_at"].is_null()) {
    auto expires = read_time(entry, "expires_at", where);
    if (!expires) return expires.error();
    decision.expires_at = *expires;
  }
  return decision;
}

}  // namespace

std::string_view to_string(EgressVerdict verdict) {
  return verdict == EgressVerdict::allow ? "allow" : "deny";
}

Result<std::string> canonical_destination(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return make_error("an empty name; give a DNS name such as api.example.com");
  if (name.size() > 253) return make_error("the name is longer than 253 bytes");
  std::string out;
  out.reserve(name.size());
  std::size_t label = 0;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '.') {
      if (label == 0) return make_error("the name has an empty label (\"..\" or a leading dot)");
      label = 0;
      out += c;
      continue;
    }
    if (!std::isalnum(u) && c != '-' && c != '_') {
      return make_error(fmt::format(
          "the name has {}; only letters, digits, '-', '_' and dots are allowed",
          std::isprint(u) ? fmt::format("the character '{}'", c)
                          : fmt::format("the byte 0x{:02x}", static_cast<unsigned>(u))));
    }
    if (++label > 63) return make_error("a label of the name is longer than 63 bytes");
    out += static_cast<char>(std::tolower(u));
  }
  return out;
}

Result<std::vector<EgressDecision>> parse_decisions(std::string_view text,
                                                    const std::string& source) {
  auto document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return make_error(fmt::format("{}: not valid JSON", source));
  if (!document.is_object()) return make_error(fmt::format("{}: must be a JSON object", source));
  if (!document.contains("version") || document["version"] != 1) {
    return make_error(fmt::format("{}: /version: must be 1", source));
  }
  if (!document.contains("decisions") || !document["decisions"].is_array()) {
    return make_error(fmt::format("{}: /decisions: must be an array", source));
  }
  std::vector<EgressDecision> out;
  const auto& list = document["decisions"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto decision = read_decision(list[i], fmt::format("{}: /decisions/{}", source, i));
    if (!decision) return decision.error();
    out.push_back(std::move(*decision));
  }
  return out;
}

std::string serialize_decisions(const std::vector<EgressDecision>& decisions) {
  json list = json::array();
  for (const auto& decision : decisions) {
    list.push_back({{"vm", decision.vm},
                    {"name", decision.name},
                    {"decision", to_string(decision.verdict)},
                    {"decided_at", unix_seconds(decision.decided_at)},
                    {"expires_at", decision.expires_at ? json(unix_seconds(*decision.expires_at))
                                                       : json(nullptr)}});
  }
  return json{{"version", 1}, {"decisions", std::move(list)}}.dump(2, ' ', false,
                                                                   json::error_handler_t::replace) +
         "\n";
}

}  // namespace openclawd::dns
