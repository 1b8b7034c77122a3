// `openclawd policy check gogcli 'gog gmail send …'`: what the gate in the
// gogcli guest would do with that command, decided by the same code and the
// same policy file the gate uses.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/gate/decision.hpp"
#include "openclawd/gate/decision_log.hpp"
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

}  // namespace

void add_policy_command(CLI::App& app, int& exit_code) {
  struct Options {
    std::string target;
    std::string command;
    std::string policy_path = std::string(OPENCLAWD_POLICY_DIR) + "/gogcli.json";
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
  check->add_option("--policy", options->policy_path, "Policy file")->capture_default_str();
  check->add_flag("--json", options->json, "Print the decision as JSON");
  check->callback([options, &exit_code] {
    auto loaded = gate::load_policy(options->policy_path);
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
                         {"args_sha256", gate::hash_arguments(decision.args)},
                         {"reason", decision.reason}};
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << (decision.allowed ? "allow" : "deny") << ": " << decision.reason << "\n";
      if (!decision.subcommand.empty()) {
        std::cout << "  subcommand " << decision.subcommand << ", verb "
                  << (decision.verb.empty() ? "-" : decision.verb) << ", class "
                  << (verb_class.empty() ? "-" : verb_class) << "\n";
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
