#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "sections.hpp"

namespace openclawd::config {
namespace {

constexpr std::uintmax_t kMaxConfigBytes = 4 * 1024 * 1024;

// nlohmann reports a byte offset; admins want line and column.
std::string describe_position(std::string_view text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("line {}, column {}", line, column);
}

Error format_diagnostics(const std::filesystem::path& file, const Diagnostics& diagnostics) {
  std::string message;
  for (const auto& d : diagnostics.items()) {
    if (!message.empty()) message += '\n';
    message +=
        fmt::format("{}: {}: {}", file.string(), d.pointer.empty() ? "/" : d.pointer, d.message);
  }
  return Error{message};
}

}  // namespace

const VmConfig* Config::find_vm(std::string_view name) const {
  for (const auto& vm : vms) {
    if (vm.name == name) return &vm;
  }
  return nullptr;
}

std::vector<std::string> Config::start_order() const {
  // Stable topological order: VMs keep their config order unless a dependency
  // forces otherwise. The config is validated acyclic before this is used.
  std::vector<std::string> order;
  std::map<std::string, bool> placed;
  std::function<void(const VmConfig&)> place = [&](const VmConfig& vm) {
    if (placed[vm.name]) return;
    placed[vm.name] = true;
    for (const auto& dep : vm.depends_on) {
      if (const auto* d = find_vm(dep)) place(*d);
    }
    order.push_back(vm.name);
  };
  for (const auto& vm : vms) place(vm);
  return order;
}

Result<Config> parse_config(const nlohmann::json& document, const std::filesystem::path& file) {
  Config config;
  config.file = std::filesystem::absolute(file).lexically_normal();
  ParseContext context{config.file.parent_path()};
  Diagnostics diagnostics;
  {
    ObjectReader root(document, "", diagnostics);
    if (root.is_object()) parse_top_level(root, context, config);
  }  // the reader reports unknown keys when it goes out of scope
  if (diagnostics.empty()) {
    apply_derived_defaults(config);
    validate(config, diagnostics);
  }
  if (!diagnostics.empty()) return format_diagnostics(config.file, diagnostics);
  return config;
}

Result<Config> load_config(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return make_error(
        fmt::format("{}: cannot read the config file: {}", path.string(), ec.message()));
  }
  if (size > kMaxConfigBytes) {
    return make_error(fmt::format("{}: the config file is {} bytes; the limit is {} bytes",
                                  path.string(), size, kMaxConfigBytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return make_error(fmt::format("{}: cannot read the config file", path.string()));
  }
  return parse_config_text(buffer.str(), path);
}

Result<Config> parse_config_text(std::string_view text, const std::filesystem::path& path) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return make_error(fmt::format("{}: not valid JSON at {}: {}", path.string(),
                                  describe_position(text, e.byte == 0 ? 0 : e.byte - 1), e.what()));
  } catch (const nlohmann::json::exception& e) {
    // e.g. a number too large for any JSON number type (out_of_range.406)
    return make_error(fmt::format("{}: not valid JSON: {}", path.string(), e.what()));
  }
  return parse_config(document, path);
}

std::string_view to_string(RestartPolicy policy) {
  switch (policy) {
    case RestartPolicy::always:
      return "always";
    case RestartPolicy::on_failure:
      return "on-failure";
    case RestartPolicy::never:
      return "never";
  }
  return "?";
}

std::string_view to_string(EgressMode mode) {
  return mode == EgressMode::log ? "log" : "allowlist";
}

}  // namespace openclawd::config
