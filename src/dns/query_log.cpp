#include "openclawd/dns/query_log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace openclawd::dns {

std::string to_json_line(const QueryRecord& r) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(r.ts.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  nlohmann::json j = {
      {"ts", fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", utc, micros % 1000000)},
      {"vm", r.vm.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.vm)},
      {"client", r.client},
      {"transport", r.transport},
      {"qname", r.qname},
      {"qtype", r.qtype},
      {"rcode", r.rcode},
      {"answers", r.answers},
      {"ttl", r.ttl},
      {"latency_us", r.latency_us},
      {"cached", r.cached},
      {"action", r.action},
      {"rule", r.rule.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.rule)},
      {"decision", r.decision.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.decision)},
  };
  // Names come from guests: replace invalid UTF-8 instead of throwing.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

QueryLog::QueryLog(std::filesystem::path file, std::uintmax_t max_bytes, int keep)
    : file_(std::move(file)), max_bytes_(max_bytes), keep_(keep) {}

Status QueryLog::open() {
  std::error_code ec;
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
  out_.open(file_, std::ios::app);
  if (!out_) {
    return make_error(
        fmt::format("cannot open DNS query log {}: check /dns/log_file and that its "
                    "directory is writable",
                    file_.string()));
  }
  size_ = std::filesystem::file_size(file_, ec);
  if (ec) size_ = 0;
  return ok_status();
}

void QueryLog::write(const QueryRecord& record) {
  if (!out_.is_open()) return;
  const std::string line = to_json_line(record) + "\n";
  held_lines_ += line;
  // Unheld, a follower (`logs dns -f`) sees each query as it happens.
  if (held_ == 0) write_held_lines();
  size_ += line.size();
  if (max_bytes_ > 0 && size_ >= max_bytes_) rotate();
}

void QueryLog::release() {
  if (held_ > 0 && --held_ == 0) write_held_lines();
}

// Whole lines only, in one write: a follower never waits on half a line.
void QueryLog::write_held_lines() {
  if (held_lines_.empty() || !out_.is_open()) return;
  out_ << held_lines_;
  out_.flush();
  held_lines_.clear();
}

void QueryLog::rotate() {
  write_held_lines();  // the lines counted in this file's size go into it
  out_.close();
  std::error_code ec;
  for (int i = keep_ - 1; i >= 1; --i) {
    const auto from = fmt::format("{}.{}", file_.string(), i);
    const auto to = fmt::format("{}.{}", file_.string(), i + 1);
    if (std::filesystem::exists(from, ec)) std::filesystem::rename(from, to, ec);
  }
  if (keep_ >= 1) std::filesystem::rename(file_, file_.string() + ".1", ec);
  if (ec) spdlog::warn("dns: rotating {} failed: {}", file_.string(), ec.message());
  size_ = 0;
  out_.open(file_, keep_ >= 1 ? std::ios::app : std::ios::trunc);
  if (!out_) spdlog::error("dns: cannot reopen query log {}", file_.string());
}

}  // namespace openclawd::dns
