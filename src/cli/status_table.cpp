#include "status_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace openclawd::cli {
namespace {

std::string cell(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string render(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

// One service's status as `key=value` pairs (nested keys dotted), so the
// table stays readable: lists of objects are shown by their size.
void flatten(const nlohmann::json& value, const std::string& key, std::vector<std::string>& out) {
  if (value.is_object()) {
    for (const auto& [name, item] : value.items()) {
      flatten(item, key.empty() ? name : key + "." + name, out);
    }
    return;
  }
  if (value.is_array()) {
    const bool scalars = std::all_of(value.begin(), value.end(), [](const nlohmann::json& item) {
      return !item.is_object() && !item.is_array();
    });
    if (!scalars) {
      out.push_back(fmt::format("{}={}", key, value.size()));
      return;
    }
    std::string joined;
    for (const auto& item : value) joined += (joined.empty() ? "" : ",") + cell(item);
    out.push_back(fmt::format("{}=[{}]", key, joined));
    return;
  }
  out.push_back(fmt::format("{}={}", key, cell(value)));
}

std::string service_summary(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::vector<std::string> pairs;
  flatten(value, "", pairs);
  std::string out;
  for (const auto& pair : pairs) out += (out.empty() ? "" : "  ") + pair;
  return out;
}

}  // namespace

std::string format_duration(std::int64_t seconds) {
  if (seconds < 0) return "-";
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60);
  return fmt::format("{}d{:02}h", seconds / 86400, (seconds % 86400) / 3600);
}

std::string format_status_table(const nlohmann::json& status) {
  std::string out;
  const auto& daemon = status.value("daemon", nlohmann::json::object());
  out += fmt::format("openclawd {} (pid {}, {}, up {}), control socket {}\n",
                     cell(daemon.value("version", nlohmann::json())),
                     cell(daemon.value("pid", nlohmann::json())),
                     cell(daemon.value("state", nlohmann::json())),
                     format_duration(daemon.value("uptime_s", std::int64_t{-1})),
                     cell(daemon.value("control_socket", nlohmann::json())));
  std::vector<std::vector<std::string>> rows = {
      {"VM", "STATE", "UPTIME", "RESTARTS", "PID", "LAST EXIT"}};
  for (const auto& vm : status.value("vms", nlohmann::json::array())) {
    const auto uptime = vm.value("uptime_s", nlohmann::json());
    rows.push_back(
        {cell(vm.value("name", nlohmann::json())), cell(vm.value("state", nlohmann::json())),
         uptime.is_number_integer() ? format_duration(uptime.get<std::int64_t>()) : "-",
         cell(vm.value("restarts", nlohmann::json())), cell(vm.value("pid", nlohmann::json())),
         cell(vm.value("last_exit", nlohmann::json()))});
  }
  if (rows.size() == 1) {
    out += "no VMs configured\n";
  } else {
    out += "\n" + render(rows);
    // Why a VM is failed or did not start: the supervisor's last error.
    for (const auto& vm : status.value("vms", nlohmann::json::array())) {
      const auto error = vm.value("error", nlohmann::json());
      if (error.is_string()) {
        out += fmt::format("{}: {}\n", cell(vm.value("name", nlohmann::json())),
                           error.get<std::string>());
      }
    }
  }
  const auto& services = status.value("services", nlohmann::json::object());
  if (services.is_object() && !services.empty()) {
    std::vector<std::vector<std::string>> service_rows = {{"SERVICE", "STATUS"}};
    for (const auto& [name, value] : services.items()) {
      service_rows.push_back({name, service_summary(value)});
    }
    out += "\n" + render(service_rows);
  }
  return out;
}

}  // namespace openclawd::cli
