#pragma once
// One function per section of `openclawd status`; each returns whole lines no
// wider than `width`, or "" when the status has nothing for it.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace openclawd::cli::status {

std::string daemon_section(const nlohmann::json& daemon, std::size_t width);
std::string vms_section(const nlohmann::json& vms, std::size_t width);
std::string network_section(const nlohmann::json& network, std::size_t width);
std::string dns_section(const nlohmann::json& dns, std::size_t width);
std::string defender_section(const nlohmann::json& defender, std::size_t width);
std::string inference_section(const nlohmann::json& inference, std::size_t width);
std::string audit_section(const nlohmann::json& audit, std::size_t width);
std::string secrets_section(const nlohmann::json& secrets, std::size_t width);
// A service this CLI has no layout for: its status as wrapped key=value pairs.
std::string generic_section(const std::string& name, const nlohmann::json& value,
                            std::size_t width);
// The daemon's recent notable events, newest last, when the status carries them.
std::string events_section(const nlohmann::json& events, std::size_t width);

}  // namespace openclawd::cli::status
