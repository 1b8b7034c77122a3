#pragma once
// /defender/classifiers: the Layer 2 ML classifiers (docs/config.md, docs/models.md).
// The classifier module turns these into a ClassifierLayer (make_classifier_layer).

#include <filesystem>
#include <string>

namespace openclawd::config {

enum class ClassifierBackend { in_process, http };

struct ClassifierConfig {
  std::string name;  // shown in findings, e.g. "prompt-guard-2-86m"
  ClassifierBackend backend = ClassifierBackend::in_process;
  std::filesystem::path model_dir;  // in-process: config.json, model.safetensors, spm.model
  std::string url;                  // http: base URL of a reference model server
  double threshold = 0.5;           // injection probability that makes a finding
  int window = 512;                 // tokens per window, [CLS] and [SEP] included
  int stride = 256;                 // tokens between window starts on long texts
  int threads = 1;                  // in-process: cores one forward pass uses (own threads)
  int max_batch = 8;                // http: texts per request; in-process: windows per pass
  int timeout_ms = 2000;            // http: whole request
  int connect_timeout_ms = 500;     // http
};

}  // namespace openclawd::config
