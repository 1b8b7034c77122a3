#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "openclawd/defender_service/defender_service.hpp"

namespace openclawd::defender_service {
namespace {

constexpr std::uintmax_t kMaxSecretFileBytes = 64 * 1024;

void add_value(std::vector<std::string>& out, std::string value) {
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  if (!value.empty()) out.push_back(std::move(value));
}

}  // namespace

DefenderServiceSettings settings_from_config(const config::Config& config,
                                             std::vector<std::filesystem::path> token_files) {
  const auto& defender = config.defender;
  DefenderServiceSettings settings;
  static_cast<defender::PipelineBuildSettings&>(settings) =
      defender::pipeline_build_settings(config);
  settings.log.file = defender.log_file;
  settings.log.log_inputs = defender.log_inputs;
  settings.max_concurrent_scans = static_cast<std::size_t>(defender.max_concurrent_scans);
  if (defender.listen) {
    ApiSettings api;
    api.listen = *defender.listen;
    api.clients = config::service_clients(config, defender.clients_set, defender.clients);
    if (!defender.token_file.empty()) {
      api.token_files = {defender.token_file};
    } else {
      api.token_files = std::move(token_files);
    }
    api.max_body_bytes = static_cast<std::size_t>(defender.max_body_bytes);
    api.max_connections = static_cast<std::size_t>(defender.max_connections);
    api.request_timeout = std::chrono::milliseconds(defender.request_timeout_ms);
    settings.api = std::move(api);
  }
  return settings;
}

std::vector<std::string> read_secret_values(const std::vector<std::filesystem::path>& directories) {
  std::vector<std::string> values;
  for (const auto& directory : directories) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
      std::error_code entry_error;
      if (!entry.is_regular_file(entry_error) ||
          entry.file_size(entry_error) > kMaxSecretFileBytes || entry_error) {
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      add_value(values, content);
      // Env files: each VALUE of NAME=VALUE is a secret of its own.
      std::istringstream lines(content);
      for (std::string line; std::getline(lines, line);) {
        const auto equals = line.find('=');
        if (equals != std::string::npos && equals > 0) add_value(values, line.substr(equals + 1));
      }
    }
  }
  return values;
}

}  // namespace openclawd::defender_service
