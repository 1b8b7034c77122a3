#include "openclawd/defender/decision_log.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace openclawd::defender {
namespace {

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
  std::string fraction = std::to_string(micros);
  return std::string(buffer) + "." + std::string(6 - fraction.size(), '0') + fraction + "Z";
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xF]);
  }
  return out;
}

nlohmann::json decision_record(std::string_view text, std::string_view source,
                               const ScanResult& result, bool log_inputs) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : result.findings) {
    nlohmann::json entry = {
        {"layer", finding.layer},           {"rule", finding.rule},
        {"category", finding.category},     {"severity", to_string(finding.severity)},
        {"confidence", finding.confidence}, {"action", to_string(finding.action)},
        {"begin", finding.begin},           {"end", finding.end}};
    if (log_inputs) entry["evidence"] = finding.evidence;
    findings.push_back(std::move(entry));
  }
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : result.layers) {
    nlohmann::json entry = {
        {"layer", layer.layer}, {"ran", layer.ran}, {"duration_us", layer.duration.count()}};
    if (!layer.ran) entry["skip_reason"] = layer.skip_reason;
    if (!layer.error.empty()) entry["error"] = layer.error;
    layers.push_back(std::move(entry));
  }
  nlohmann::json record = {{"time", utc_now()},
                           {"source", source},
                           {"action", to_string(result.action)},
                           {"input_sha256", sha256_hex(text)},
                           {"input_bytes", text.size()},
                           {"findings", std::move(findings)},
                           {"layers", std::move(layers)},
                           {"duration_us", result.duration.count()}};
  if (!result.rejected.empty()) record["rejected"] = result.rejected;
  if (log_inputs) record["text"] = std::string(text);
  return record;
}

Result<std::unique_ptr<DecisionLog>> DecisionLog::open(DecisionLogSettings settings) {
  auto file = JsonlFile::open(settings.file, "the defender decision log", "defender.log_file");
  if (!file) return file.error();
  return std::unique_ptr<DecisionLog>(new DecisionLog(std::move(settings), std::move(*file)));
}

DecisionLog::~DecisionLog() = default;

Status DecisionLog::record(std::string_view text, std::string_view source,
                           const ScanResult& result) {
  return append(decision_record(text, source, result, settings_.log_inputs));
}

Status DecisionLog::append(const nlohmann::json& record) {
  return file_->append(record);
}

}  // namespace openclawd::defender
