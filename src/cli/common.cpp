#include "common.hpp"

#include <fstream>
#include <iostream>

#include "openclawd/config/config.hpp"

namespace openclawd::cli {

void add_common_options(CLI::App& command, CommonOptions& options, bool with_json) {
  command.add_option("-c,--config", options.config_path,
                     std::string("Config file (default ") + config::kDefaultConfigPath + ")");
  command.add_option("-s,--socket", options.socket_path,
                     "Control socket (default: control_socket from the config)");
  if (with_json) command.add_flag("--json", options.json, "Machine-readable JSON output");
}

Result<std::filesystem::path> resolve_socket(const CommonOptions& options) {
  if (!options.socket_path.empty()) return std::filesystem::path(options.socket_path);
  const bool explicit_config = !options.config_path.empty();
  const std::filesystem::path config_path =
      explicit_config ? options.config_path : config::kDefaultConfigPath;
  std::ifstream in(config_path);
  if (!in) {
    if (explicit_config) {
      return make_error(config_path.string() + ": cannot read the config file");
    }
    return config::ControlConfig{}.socket;
  }
  auto document = nlohmann::json::parse(in, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    return make_error(config_path.string() +
                      ": not valid JSON (run 'openclawd check-config' for details)");
  }
  auto it = document.find("control_socket");
  if (it == document.end()) return config::ControlConfig{}.socket;
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return make_error(config_path.string() + ": /control_socket: expected a non-empty string");
  }
  std::filesystem::path socket(it->get<std::string>());
  if (socket.is_relative()) {
    socket = std::filesystem::absolute(config_path).parent_path() / socket;
  }
  return socket.lexically_normal();
}

CallOutcome call_daemon(const CommonOptions& options, const control::Request& request,
                        std::chrono::milliseconds default_timeout) {
  auto socket = resolve_socket(options);
  if (!socket) {
    std::cerr << "openclawd: " << socket.error().message << "\n";
    return {kConfig, std::nullopt};
  }
  const auto timeout = options.timeout_s > 0
                           ? std::chrono::milliseconds(static_cast<long>(options.timeout_s * 1000))
                           : default_timeout;
  control::ClientError error;
  auto response = control::call(*socket, request, timeout, &error);
  if (!response) {
    std::cerr << "openclawd: " << response.error().message << "\n";
    switch (error.kind) {
      case control::ClientFailure::not_running:
        return {kNotRunning, std::nullopt};
      case control::ClientFailure::permission:
        return {kDenied, std::nullopt};
      default:
        return {kFailed, std::nullopt};
    }
  }
  int code = kOk;
  switch (response->result) {
    case control::ResultCode::success:
      code = kOk;
      break;
    case control::ResultCode::denied:
      code = kDenied;
      break;
    default:
      code = kFailed;
  }
  if (code != kOk) std::cerr << "openclawd: " << response->text << "\n";
  return {code, std::move(*response)};
}

}  // namespace openclawd::cli
