#include "status_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "status_sections.hpp"

namespace openclawd::cli {
namespace {

// The services with a layout of their own, in the order an admin reads them.
constexpr const char* kKnownServices[] = {"network",   "dns",   "defender",
                                          "inference", "audit", "secrets"};

std::string service_section(const std::string& name, const nlohmann::json& value,
                            std::size_t width) {
  if (name == "network") return status::network_section(value, width);
  if (name == "dns") return status::dns_section(value, width);
  if (name == "defender") return status::defender_section(value, width);
  if (name == "inference") return status::inference_section(value, width);
  if (name == "audit") return status::audit_section(value, width);
  if (name == "secrets") return status::secrets_section(value, width);
  return status::generic_section(name, value, width);
}

}  // namespace

std::string format_duration(std::int64_t seconds) {
  if (seconds < 0) return "-";
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60);
  return fmt::format("{}d{:02}h", seconds / 86400, (seconds % 86400) / 3600);
}

std::string format_status_table(const nlohmann::json& document, std::size_t width) {
  const auto status = document.is_object() ? document : nlohmann::json::object();
  const auto daemon = status.value("daemon", nlohmann::json::object());
  std::string out = status::daemon_section(daemon, width);
  out += "\n" + status::vms_section(status.value("vms", nlohmann::json::array()), width);
  const auto services = status.value("services", nlohmann::json::object());
  if (services.is_object()) {
    for (const char* name : kKnownServices) {
      const auto found = services.find(name);
      if (found == services.end()) continue;
      if (auto section = service_section(name, *found, width); !section.empty()) {
        out += "\n" + section;
      }
    }
    for (const auto& [name, value] : services.items()) {
      if (std::find(std::begin(kKnownServices), std::end(kKnownServices), name) !=
          std::end(kKnownServices)) {
        continue;
      }
      out += "\n" + service_section(name, value, width);
    }
  }
  if (auto events = status::events_section(status.value("events", nlohmann::json()), width);
      !events.empty()) {
    out += "\n" + events;
  }
  return out;
}

}  // namespace openclawd::cli
