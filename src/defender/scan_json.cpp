#include "openclawd/defender/scan.hpp"

namespace openclawd::defender {

nlohmann::json finding_to_json(const Finding& finding) {
  return {{"layer", finding.layer},
          {"rule", finding.rule},
          {"category", finding.category},
          {"severity", to_string(finding.severity)},
          {"confidence", finding.confidence},
          {"action", to_string(finding.action)},
          {"evidence", finding.evidence},
          {"begin", finding.begin},
          {"end", finding.end},
          {"reason", finding.reason}};
}

nlohmann::json to_json(const ScanResult& result) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& finding : result.findings) findings.push_back(finding_to_json(finding));
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : result.layers) {
    nlohmann::json entry = {{"layer", layer.layer},
                            {"ran", layer.ran},
                            {"findings", layer.findings.size()},
                            {"duration_us", layer.duration.count()}};
    if (!layer.ran) entry["skip_reason"] = layer.skip_reason;
    if (layer.injection_score) entry["injection_score"] = *layer.injection_score;
    if (layer.verdict != Verdict::none) {
      entry["verdict"] = layer.verdict == Verdict::benign ? "benign" : "injection";
    }
    if (!layer.error.empty()) entry["error"] = layer.error;
    layers.push_back(std::move(entry));
  }
  nlohmann::json out = {{"action", to_string(result.action)},
                        {"flagged", result.flagged()},
                        {"findings", std::move(findings)},
                        {"layers", std::move(layers)},
                        {"duration_us", result.duration.count()}};
  if (result.sanitized) out["sanitized"] = *result.sanitized;
  if (!result.rejected.empty()) out["rejected"] = result.rejected;
  return out;
}

}  // namespace openclawd::defender
