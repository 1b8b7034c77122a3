#pragma once
// Human output of `openclawd status`: an aligned table.

#include <nlohmann/json.hpp>
#include <string>

namespace openclawd::cli {

std::string format_duration(std::int64_t seconds);  // "3d04h", "1h02m", "5m07s", "42s"
std::string format_status_table(const nlohmann::json& status);

}  // namespace openclawd::cli
