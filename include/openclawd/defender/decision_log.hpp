#pragma once
// The defender's decision log: one JSON line per scan with the input's SHA-256
// (not the input, unless `log_inputs` is set), its source, the action, the
// findings' rules and spans, the layers and the duration. Safe to call from
// several threads; each line is one append.

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "openclawd/core/jsonl_file.hpp"
#include "openclawd/core/result.hpp"
#include "openclawd/defender/scan.hpp"

namespace openclawd::defender {

struct DecisionLogSettings {
  std::filesystem::path file;  // config: defender.log_file
  bool log_inputs = false;     // also write the text and evidence (they may hold secrets)
};

std::string sha256_hex(std::string_view data);

// The log line for one scan (without the trailing newline).
nlohmann::json decision_record(std::string_view text, std::string_view source,
                               const ScanResult& result, bool log_inputs);

class DecisionLog {
 public:
  // Creates the file (mode 0640) if needed and appends to it.
  static Result<std::unique_ptr<DecisionLog>> open(DecisionLogSettings settings);
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  Status record(std::string_view text, std::string_view source, const ScanResult& result);
  // Any other record (the judge's calls), one line.
  Status append(const nlohmann::json& record);

 private:
  DecisionLog(DecisionLogSettings settings, std::unique_ptr<JsonlFile> file)
      : settings_(std::move(settings)), file_(std::move(file)) {}
  DecisionLogSettings settings_;
  std::unique_ptr<JsonlFile> file_;
};

}  // namespace openclawd::defender
