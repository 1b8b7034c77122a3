#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "openclawd/config/config.hpp"
#include "openclawd/core/data_dir.hpp"
#include "openclawd/core/log.hpp"
#include "openclawd/defender/build_pipeline.hpp"
#include "openclawd/defender/scan.hpp"

namespace openclawd::cli {
namespace {

constexpr int kExitAllow = 0;
constexpr int kExitFlagged = 1;
constexpr int kExitError = 2;

struct ScanOptions {
  std::string source = "tool_result";
  bool json = false;
  bool jsonl = false;
  std::string rules;
  std::string config;
  std::string socket;                    // control socket; empty: the default config's
  bool local = false;                    // never ask the daemon
  std::optional<std::size_t> max_bytes;  // else the config's, else the built-in cap
  std::string rules_cache;               // compiled rules cache directory
  bool no_rules_cache = false;
};

// $XDG_CACHE_HOME/openclawd/defender, else ~/.cache/openclawd/defender; empty
// when neither is known (then the rules are compiled at every start).
std::filesystem::path default_rules_cache() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') {
    return std::filesystem::path(xdg) / "openclawd" / "defender";
  }
  if (const char* home = std::getenv("HOME"); home && *home == '/') {
    return std::filesystem::path(home) / ".cache" / "openclawd" / "defender";
  }
  return {};
}

Result<config::Config> load_config_file(const std::string& path) {
  auto config = config::load_config(path);
  if (!config) return config.error();
  if (config->defender.rules.empty()) {
    return make_error(path + ": /defender/rules is not set; set it or pass --rules");
  }
  return config;
}

// What the scan runs, through the same build_pipeline as the daemon:
// --rules R: Layer 1 with R. --config F: every layer the daemon with F runs.
// Else $OPENCLAWD_DEFENDER_RULES (Layer 1), else the default config when there
// is one (what the daemon would run), else the shipped rules (core/data_dir.hpp).
Result<defender::PipelineBuildSettings> pipeline_settings(const ScanOptions& options) {
  defender::PipelineBuildSettings settings;
  if (!options.rules.empty()) {
    settings.rules = options.rules;
  } else if (!options.config.empty()) {
    auto config = load_config_file(options.config);
    if (!config) return config.error();
    settings = defender::pipeline_build_settings(*config);
  } else if (const char* from_env = std::getenv("OPENCLAWD_DEFENDER_RULES");
             from_env && *from_env) {
    settings.rules = from_env;
  } else if (std::filesystem::exists(config::kDefaultConfigPath)) {
    auto config = load_config_file(config::kDefaultConfigPath);
    if (!config) return config.error();
    settings = defender::pipeline_build_settings(*config);
  } else {
    auto shipped = core::find_shipped_policy("defender/rules.json");
    if (!shipped) return shipped.error().context("openclawd scan (or pass --rules FILE)");
    settings.rules = *shipped;
  }
  if (options.max_bytes) settings.pipeline.max_input_bytes = *options.max_bytes;
  // The CLI keeps its own cache: the daemon's state_dir may not be writable here.
  settings.rules_cache_dir = options.no_rules_cache ? std::filesystem::path()
                             : !options.rules_cache.empty()
                                 ? std::filesystem::path(options.rules_cache)
                                 : default_rules_cache();
  return settings;
}

void print_human(const defender::ScanResult& result) {
  std::cout << "action: " << defender::to_string(result.action) << "\n";
  std::cout << "layers:";
  for (const auto& layer : result.layers) {
    std::cout << " " << layer.layer
              << (layer.ran ? " (ran)" : " (skipped: " + layer.skip_reason + ")");
  }
  std::cout << "\n";
  if (!result.rejected.empty()) std::cout << "rejected: " << result.rejected << "\n";
  for (const auto& finding : result.findings) {
    std::cout << "  " << finding.rule << " (" << finding.category << ", "
              << defender::to_string(finding.severity) << ", " << finding.confidence << ") -> "
              << defender::to_string(finding.action) << " bytes " << finding.begin << "-"
              << finding.end << ": " << finding.evidence << "\n";
  }
  if (result.sanitized) std::cout << "sanitized:\n" << *result.sanitized << "\n";
}

void print_human(const nlohmann::json& result) {
  std::cout << "action: " << result.value("action", "?") << "\n";
  if (result.contains("rejected")) {
    std::cout << "rejected: " << result["rejected"].get<std::string>() << "\n";
  }
  for (const auto& finding : result.value("findings", nlohmann::json::array())) {
    std::cout << "  " << finding.value("rule", "") << " (" << finding.value("category", "") << ", "
              << finding.value("severity", "") << ", " << finding.value("confidence", 0.0)
              << ") -> " << finding.value("action", "") << " bytes "
              << finding.value("begin", std::size_t{0}) << "-"
              << finding.value("end", std::size_t{0}) << ": " << finding.value("evidence", "")
              << "\n";
  }
  if (result.contains("sanitized")) {
    std::cout << "sanitized:\n" << result["sanitized"].get<std::string>() << "\n";
  }
}

// Asks the running daemon (its pipeline has the configured layers and its
// decision log records the scan). No answer: nullopt, and the caller scans
// locally; the daemon refused or failed: an error exit.
std::optional<int> scan_with_daemon(const ScanOptions& options, const std::string& text) {
  CommonOptions common;
  common.socket_path = options.socket;
  auto socket = resolve_socket(common);
  if (!socket) return std::nullopt;
  control::ClientError error;
  auto response = control::call(*socket, {"scan", {{"text", text}, {"source", options.source}}},
                                std::chrono::seconds(30), &error);
  if (!response) {
    if (error.kind == control::ClientFailure::not_running ||
        error.kind == control::ClientFailure::permission) {
      return std::nullopt;
    }
    std::cerr << "openclawd scan: " << response.error().message << "\n";
    return kExitError;
  }
  // A daemon without the defender has no `scan` command.
  if (response->result == control::ResultCode::unsupported) return std::nullopt;
  if (response->result != control::ResultCode::success || !response->arguments.is_object()) {
    std::cerr << "openclawd scan: the daemon answered: " << response->text << "\n";
    return kExitError;
  }
  const auto& result = response->arguments;
  if (options.json) {
    std::cout << result.dump() << "\n";
  } else {
    print_human(result);
  }
  return result.value("flagged", false) ? kExitFlagged : kExitAllow;
}

int scan_one(const defender::ScanPipeline& pipeline, const ScanOptions& options,
             const std::string& text) {
  const auto result = pipeline.scan(text, options.source);
  if (options.json) {
    std::cout << defender::to_json(result).dump() << "\n";
  } else {
    print_human(result);
  }
  return result.flagged() ? kExitFlagged : kExitAllow;
}

// One JSON object per line in ({"id", "text", "source"}), one result per line out.
int scan_lines(const defender::ScanPipeline& pipeline, const ScanOptions& options) {
  int exit_code = kExitAllow;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto request = nlohmann::json::parse(line, nullptr, false);
    nlohmann::json out;
    std::string problem;
    if (request.is_discarded() || !request.is_object()) {
      problem = "not a JSON object";
    } else if (!request.contains("text") || !request["text"].is_string()) {
      problem = "\"text\" must be a string";
    } else if (request.contains("source") &&
               (!request["source"].is_string() ||
                !defender::is_known_source(request["source"].get<std::string>()))) {
      problem =
          "\"source\" must be one of discord_message, tool_result, web_fetch, email, "
          "outbound_message, tool_call";
    }
    const nlohmann::json id =
        request.is_object() && request.contains("id") ? request["id"] : nullptr;
    if (!problem.empty()) {
      out = {{"id", id}, {"error", "stdin line " + std::to_string(line_number) + ": " + problem}};
      exit_code = kExitError;
    } else {
      const std::string source = request.value("source", options.source);
      out = defender::to_json(pipeline.scan(request["text"].get<std::string>(), source));
      out["id"] = id;
      if (out["flagged"].get<bool>() && exit_code == kExitAllow) exit_code = kExitFlagged;
    }
    std::cout << out.dump() << "\n";
  }
  return exit_code;
}

int run_scan(const ScanOptions& options) {
  // stdout carries the results (--json, --jsonl): log lines go to stderr, and
  // only warnings (an unwritable rules cache) and errors.
  log::init("openclawd", log::Sink::stderr_only, "warn");
  if (!defender::is_known_source(options.source)) {
    std::cerr << "openclawd scan: unknown --source \"" << options.source
              << "\"; use discord_message, tool_result, web_fetch, email, outbound_message or "
                 "tool_call\n";
    return kExitError;
  }
  // A daemon is used for single texts unless the rules are named here.
  const bool try_daemon =
      !options.local && !options.jsonl && options.rules.empty() && options.config.empty();
  std::string text;
  if (!options.jsonl) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (try_daemon) {
    if (auto exit_code = scan_with_daemon(options, text)) return *exit_code;
  }
  auto settings = pipeline_settings(options);
  if (!settings) {
    std::cerr << "openclawd scan: " << settings.error().message << "\n";
    return kExitError;
  }
  auto built = defender::build_pipeline(*settings);
  if (!built) {
    std::cerr << "openclawd scan: " << built.error().message << "\n";
    return kExitError;
  }
  const auto& pipeline = *built->pipeline;
  return options.jsonl ? scan_lines(pipeline, options) : scan_one(pipeline, options, text);
}

}  // namespace

void add_scan_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ScanOptions>();
  auto* scan = app.add_subcommand(
      "scan",
      "Check text from stdin with the defender: the running daemon's when there is one and "
      "neither --rules nor --config is given, else locally (exit 0 allow, 1 flagged, 2 error)");
  scan->add_option("--source", options->source,
                   "Where the text comes from: discord_message, tool_result, web_fetch, email, "
                   "outbound_message, tool_call")
      ->capture_default_str();
  scan->add_flag("--json", options->json, "Print the result as JSON");
  scan->add_flag(
      "--jsonl", options->jsonl,
      "Read one {\"id\",\"text\",\"source\"} object per line, write one result per line");
  auto* rules = scan->add_option("--rules", options->rules,
                                 "Rules file (policies/defender/rules.json): Layer 1 only");
  scan->add_option("--config", options->config,
                   "Run every layer the daemon with this config runs (rules, classifiers, judge)")
      ->excludes(rules);
  scan->add_option("-s,--socket", options->socket,
                   "Control socket of the daemon to ask (default: from the default config)");
  scan->add_flag("--local", options->local,
                 "Scan in this process even when a daemon is running (rules: --rules, "
                 "$OPENCLAWD_DEFENDER_RULES, the default config's layers or the installed "
                 "policy)");
  scan->add_option("--max-bytes", options->max_bytes,
                   "Reject texts longer than this (default: the config's, else 1 MiB)");
  auto* cache =
      scan->add_option("--rules-cache", options->rules_cache,
                       "Directory of the compiled rules cache (default "
                       "$XDG_CACHE_HOME/openclawd/defender or ~/.cache/openclawd/defender)");
  scan->add_flag("--no-rules-cache", options->no_rules_cache,
                 "Compile the rules at this start, read and write no cache")
      ->excludes(cache);
  scan->callback([options, &exit_code] { exit_code = run_scan(*options); });
}

}  // namespace openclawd::cli
