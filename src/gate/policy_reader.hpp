#pragma once
// Shared by the policy loader's files: strict JSON reading that names the
// JSON pointer of every bad value. Private to the gate module.
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "openclawd/core/result.hpp"
#include "openclawd/gate/policy.hpp"

namespace openclawd::gate::detail {

std::string escape_pointer_token(std::string_view key);

class PolicyReader {
 public:
  explicit PolicyReader(std::string_view source) : source_(source) {}

  Error fail(const std::string& pointer, std::string_view what) const;
  Status only_keys(const nlohmann::json& object, const std::string& pointer,
                   std::initializer_list<std::string_view> known) const;
  // An array of strings each accepted by `valid`; `what` says what they must be.
  Result<std::vector<std::string>> strings(const nlohmann::json& value, const std::string& pointer,
                                           bool (*valid)(std::string_view),
                                           std::string_view what) const;

 private:
  std::string source_;
};

// Command and flag names as Kong writes them: ASCII letters, digits, '-', '_',
// '.', not starting with '-', at most 64 bytes.
bool is_flag_or_command_name(std::string_view s);

// `{name: {"takes_value": …, …}}` at `pointer` (policy_commands_loader.cpp).
Result<std::vector<FlagSpec>> parse_flags(const PolicyReader& r, const nlohmann::json& value,
                                          const std::string& pointer);

// `/commands` into policy.root, checking every verb's flags against the
// global ones so that no spelling means two flags.
Status parse_commands(const PolicyReader& r, const nlohmann::json& value, Policy& policy);

}  // namespace openclawd::gate::detail
