// `openclawd policy check gogcli 'gog gmail send …'`: what the gate in the
// gogcli guest would do with that command, decided by the same code and the
// same policy file the gate uses. `openclawd policy import-gog-schema <
// schema.json`: an allowlist policy written from `gog schema`.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/core/data_dir.hpp"
#include "openclawd/gate/decision.hpp"
#include "openclawd/gate/decision_log.hpp"
#include "openclawd/gate/gog_schema_import.hpp"
#include "openclawd/gate/policy.hpp"

namespace openclawd::cli {
namespace {

// Shell-quotes one argument for display, so the admin can paste it back.
std::string quoted(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789@%+=:,./_-") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

nlohmann::json flags_json(const std::vector<gate::FlagUse>& flags) {
  auto out = nlohmann::json::array();
  for (const auto& f : flags) {
    nlohmann::json one{{"name", f.name}, {"spelling", f.spelling}, {"global", f.global}};
    if (f.value) one["value"] = *f.value;
    if (f.negated) one["negated"] = true;
    out.push_back(std::move(one));
  }
  return out;
}

void add_import_command(CLI::App& policy, int& exit_code) {
  struct Options {
    gate::SchemaImportOptions import;
    std::string gog_path = "/usr/local/bin/gog";
    std::string home = "/persist/gogcli";
  };
  auto options = std::make_shared<Options>();
  auto* import = policy.add_subcommand(
      "import-gog-schema",
      "Write a gogcli gate policy (stdout) from `gog schema` (stdin): every verb with its flags, "
      "reads allowed, writes marked; trim it before use");
  import->add_option("--only", options->import.only,
                     "Keep only these command paths (repeatable), e.g. --only gmail --only "
                     "'calendar events'");
  import->add_option("--gog-path", options->gog_path, "gog_path in the policy")
      ->capture_default_str();
  import->add_option("--home", options->home, "home in the policy")->capture_default_str();
  import->callback([options, &exit_code] {
    options->import.gog_path = options->gog_path;
  options->import.home = options->home;
  std::ostringstream schema;
  schema << std::cin.rdbuf();
  auto imported = gate::import_gog_schema(schema.str(), options->import);
  if (!imported) {
    std::cerr << imported.error().message << "\n";
    exit_code = kConfig;
    return;
  }
  std::cout << imported->policy_json;
  for (const auto& note : imported->notes) std::cerr << "note: " << note << "\n";
  std::cerr << imported->read_verbs << " read and " << imported->write_verbs
            << " write verbs; writes run only with \"allow_write\": true\n";
  exit_code = kOk;
});
}  // namespace

}  // namespace openclawd::cli

void add_policy_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string target;
    std::string command;
    std::string policy_path;  // empty: the shipped policies/gogcli.json
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  auto* policy = app.add_subcommand("policy", "Inspect the guest policies");
  policy->require_subcommand(1);
  auto* check = policy->add_subcommand(
      "check", "Show what the gogcli gate would do with a command, e.g. 'gog gmail send --to x'");
  check->add_option("target", options->target, "Which gate: gogcli")
      ->required()
      ->check(CLI::IsMember({"gogcli"}));
  check->add_option("command", options->command, "The command as the agent sends it over SSH")
      ->required();
  check->add_option("--policy", options->policy_path,
                    "Policy file (default: the shipped policies/gogcli.json)");
  check->add_flag("--json", options->json, "Print the decision as JSON");
  add_import_command(*policy, exit_code);
  check->callback([options, &exit_code] {
    std::filesystem::path policy_path = options->policy_path;
    if (policy_path.empty()) {
      auto shipped = openclawd::core::find_shipped_policy("gogcli.json");
      if (!shipped) {
        std::cerr << "openclawd policy check (or pass --policy FILE): " << shipped.error().message
                  << "\n";
        exit_code = kConfig;
        return;
      }
      policy_path = *shipped;
    }
    auto loaded = gate::load_policy(policy_path);
    if (!loaded) {
      std::cerr << loaded.error().message << "\n";
      exit_code = kConfig;
      return;
    }
    const auto decision = gate::decide(*loaded, options->command);
    const std::string verb_class =
        decision.verb_class ? std::string(gate::to_string(*decision.verb_class)) : "";
    if (options->json) {
      nlohmann::json out{{"decision", decision.allowed ? "allow" : "deny"},
                         {"subcommand", decision.subcommand},
                         {"verb", decision.verb},
                         {"class", verb_class},
                         {"args", decision.args},
                         {"flags", flags_json(decision.flags)},
                         {"args_sha256", gate::hash_arguments(decision.args)},
                         {"reason", decision.reason}};
      if (!decision.refused_flag.empty()) out["refused_flag"] = decision.refused_flag;
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << (decision.allowed ? "allow" : "deny") << ": " << decision.reason << "\n";
      if (!decision.subcommand.empty()) {
        std::cout << "  subcommand " << decision.subcommand << ", verb "
                  << (decision.verb.empty() ? "-" : decision.verb) << ", class "
                  << (verb_class.empty() ? "-" : verb_class) << "\n";
      }
      if (!decision.refused_flag.empty()) {
        std::cout << "  refused flag " << decision.refused_flag << "\n";
      }
      if (decision.allowed) {
        std::cout << "  runs " << loaded->gog_path.string();
        for (const auto& arg : decision.args) std::cout << " " << quoted(arg);
        std::cout << "\n";
      }
      std::cout << "  args_sha256 " << gate::hash_arguments(decision.args)
                << " (as in the gate's log line)\n";
    }
    exit_code = decision.allowed ? kOk : kFailed;
  });
}

}  // namespace openclawd::cli
