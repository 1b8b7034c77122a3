// `openclawd egress pending|allow|deny`: the admin's decisions on names a VM's
// DNS policy leaves to "ask" (docs/dns.md, "Approving new destinations").
#include <iostream>

#include "commands.hpp"
#include "common.hpp"
#include "duration.hpp"
#include "text_layout.hpp"

namespace openclawd::cli {
namespace {

constexpr auto kTimeout = std::chrono::seconds(10);

std::string text_of(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "-";
  return value.dump();
}

void print_pending(const nlohmann::json& arguments, std::size_t width) {
  const auto pending = arguments.value("pending", nlohmann::json::array());
  if (pending.empty()) {
    std::cout << "No names are waiting for a decision.\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& entry : pending) {
      rows.push_back({text_of(entry.value("vm", nlohmann::json())),
                      text_of(entry.value("name", nlohmann::json())),
                      text_of(entry.value("count", nlohmann::json())),
                      text_of(entry.value("last_seen", nlohmann::json())),
                      text_of(entry.value("first_seen", nlohmann::json()))});
    }
    std::cout << "Waiting for a decision (`openclawd egress allow|deny NAME --vm VM`)\n"
              << render_table({{"VM"},
                               {"NAME"},
                               {"QUERIES", true},
                               {"LAST SEEN", false, 1},
                               {"FIRST SEEN", false, 2}},
                              rows, width);
  }
  const auto decisions = arguments.value("decisions", nlohmann::json::array());
  if (decisions.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (const auto& entry : decisions) {
    const auto expires = entry.value("expires_at", nlohmann::json());
    rows.push_back({text_of(entry.value("vm", nlohmann::json())),
                    text_of(entry.value("name", nlohmann::json())),
                    text_of(entry.value("decision", nlohmann::json())),
                    expires.is_string() ? expires.get<std::string>() : "until changed",
                    text_of(entry.value("decided_at", nlohmann::json()))});
  }
  std::cout << "\nDecided\n"
            << render_table(
                   {{"VM"}, {"NAME"}, {"DECISION"}, {"EXPIRES", false, 1}, {"DECIDED", false, 2}},
                   rows, width);
}

void print_outcome(const CommonOptions& options, const CallOutcome& outcome) {
  if (!outcome.response) return;
  if (options.json) {
    std::cout << nlohmann::json{{"result", static_cast<int>(outcome.response->result)},
                                {"text", outcome.response->text},
                                {"arguments", outcome.response->arguments}}
                     .dump()
              << "\n";
  } else if (outcome.exit_code == kOk) {
    std::cout << outcome.response->text << "\n";
  }
}

}  // namespace

void add_egress_command(CLI::App& app, int& exit_code) {
  auto* egress = app.add_subcommand(
      "egress", "Approve or deny new destinations (names a VM's DNS policy leaves to \"ask\")");
  egress->require_subcommand(1);

  {
    auto options = std::make_shared<CommonOptions>();
    auto* command =
        egress->add_subcommand("pending", "Names waiting for a decision, and the decisions taken");
    add_common_options(*command, *options, true);
    command->callback([options, &exit_code] {
      auto outcome = call_daemon(*options, {"egress-pending", nlohmann::json::object()}, kTimeout);
      exit_code = outcome.exit_code;
      if (!outcome.response || exit_code != kOk) return;
      if (options->json) {
        std::cout << outcome.response->arguments.dump(2) << "\n";
      } else {
        print_pending(outcome.response->arguments, output_width());
      }
    });
  }

  {
    auto options = std::make_shared<CommonOptions>();
    auto name = std::make_shared<std::string>();
    auto vm = std::make_shared<std::string>();
    auto duration = std::make_shared<std::string>();
    auto* command = egress->add_subcommand(
        "allow", "Allow NAME for a VM: its next query resolves (and opens the allowlist)");
    add_common_options(*command, *options, true);
    command->add_option("name", *name, "The DNS name, e.g. api.example.com")->required();
    command->add_option("--vm", *vm, "The VM that asked for it")->required();
    command->add_option("--for", *duration,
                        "Allow only for this long (90s, 30m, 12h, 7d, 1h30m); default: until "
                        "changed");
    command->callback([options, name, vm, duration, &exit_code] {
      nlohmann::json arguments = {{"vm", *vm}, {"name", *name}};
      if (!duration->empty()) {
        auto seconds = parse_duration(*duration);
        if (!seconds) {
          std::cerr << "openclawd: --for: " << seconds.error().message << "\n";
          exit_code = kUsage;
          return;
        }
        arguments["for_s"] = seconds->count();
      }
      auto outcome = call_daemon(*options, {"egress-allow", arguments}, kTimeout);
      exit_code = outcome.exit_code;
      print_outcome(*options, outcome);
    });
  }

  {
    auto options = std::make_shared<CommonOptions>();
    auto name = std::make_shared<std::string>();
    auto vm = std::make_shared<std::string>();
    auto* command =
        egress->add_subcommand("deny", "Deny NAME for a VM: its queries are blocked from now on");
    add_common_options(*command, *options, true);
    command->add_option("name", *name, "The DNS name, e.g. tracker.example.com")->required();
    command->add_option("--vm", *vm, "The VM that asked for it")->required();
    command->callback([options, name, vm, &exit_code] {
      auto outcome =
          call_daemon(*options, {"egress-deny", {{"vm", *vm}, {"name", *name}}}, kTimeout);
      exit_code = outcome.exit_code;
      print_outcome(*options, outcome);
    });
  }
}

}  // namespace openclawd::cli
