#pragma once
// Human output of `openclawd status`: the daemon, each VM, then one section per
// service (network, DNS, defender, inference gateway, audit, secrets, others),
// laid out for a terminal `width` columns wide: no line is longer.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace openclawd::cli {

std::string format_duration(std::int64_t seconds);  // "3d04h", "1h02m", "5m07s", "42s"
std::string format_status_table(const nlohmann::json& status, std::size_t width = 80);

}  // namespace openclawd::cli
