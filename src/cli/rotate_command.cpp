// `openclawd rotate VM [SECRET]`: renew a VM's secrets through the daemon.
#include <iostream>

#include "commands.hpp"
#include "common.hpp"

namespace openclawd::cli {

void add_rotate_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CommonOptions>();
  auto vm = std::make_shared<std::string>();
  auto secret = std::make_shared<std::string>();
  auto* command = app.add_subcommand(
      "rotate", "Renew a VM's secrets now (one file, or all of them); values are never printed");
  add_common_options(*command, *options, true);
  command->add_option("--timeout", options->timeout_s, "Seconds to wait for the daemon");
  command->add_option("vm", *vm, "VM name")->required();
  command->add_option("secret", *secret, "Secret file name, e.g. gateway-token (default: all)");
  command->callback([options, vm, secret, &exit_code] {
    nlohmann::json arguments = {{"vm", *vm}};
    if (!secret->empty()) arguments["secret"] = *secret;
    auto outcome = call_daemon(*options, {"rotate", arguments}, std::chrono::seconds(30));
    exit_code = outcome.exit_code;
    if (!outcome.response) return;
    if (options->json) {
      std::cout << nlohmann::json{{"result", static_cast<int>(outcome.response->result)},
                                  {"text", outcome.response->text}}
                       .dump()
                << "\n";
    } else if (exit_code == kOk) {
      std::cout << outcome.response->text << "\n";
    }
  });
}

}  // namespace openclawd::cli
