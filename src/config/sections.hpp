#pragma once
// Section parsers of the config module; each lives in its own parse_*.cpp.
// They fill their part of Config from a reader and report problems to its
// diagnostics; cross-section checks are in validate.cpp.

#include <filesystem>

#include "json_reader.hpp"
#include "openclawd/config/config.hpp"

namespace openclawd::config {

struct ParseContext {
  std::filesystem::path base_dir;  // directory of the config file
};

void parse_top_level(ObjectReader& root, const ParseContext& context, Config& config);
void parse_hypervisor(ObjectReader& reader, const ParseContext& context, HypervisorConfig& out);
void parse_network(ObjectReader& reader, const ParseContext& context, NetworkConfig& out);
void parse_dns(ObjectReader& reader, const ParseContext& context, DnsConfig& out);
void parse_audit(ObjectReader& reader, const ParseContext& context, AuditConfig& out);
void parse_defender(ObjectReader& reader, const ParseContext& context, DefenderConfig& out);
void parse_inference(ObjectReader& reader, const ParseContext& context, InferenceConfig& out);
nlohmann::json inference_to_json(const InferenceConfig& inference);
// The part of validate() about /inference (parse_inference.cpp).
void validate_inference(const Config& config, Diagnostics& diagnostics);
void parse_judge(ObjectReader& reader, const ParseContext& context, JudgeConfig& out);
nlohmann::json judge_to_json(const JudgeConfig& judge);
void parse_classifier(ObjectReader& reader, const ParseContext& context, ClassifierConfig& out);
nlohmann::json classifiers_to_json(const std::vector<ClassifierConfig>& classifiers);
void parse_secrets(ObjectReader& reader, const ParseContext& context, SecretsConfig& out);
void parse_vm_secrets(ObjectReader& reader, VmSecretsConfig& out);
void parse_vm(ObjectReader& reader, const ParseContext& context, VmConfig& out);

// Cross-checks that need the whole config (duplicates, dependencies, subnet,
// files on disk). Runs after parsing.
void validate(const Config& config, Diagnostics& diagnostics);
// The part of validate() about /vms/N/secrets (validate_secrets.cpp).
void validate_secrets(const Config& config, Diagnostics& diagnostics);

// Adds a diagnostic at `pointer` unless `path` is an existing regular file.
void check_regular_file(const std::filesystem::path& path, const std::string& pointer,
                        std::string_view what, Diagnostics& diagnostics);

// Fills defaults that depend on other keys (log files under log_dir, ...).
void apply_derived_defaults(Config& config);

}  // namespace openclawd::config
