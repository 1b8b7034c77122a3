#include <cmath>

#include "sections.hpp"

namespace openclawd::config {

void parse_classifier(ObjectReader& reader, const ParseContext& context, ClassifierConfig& out) {
  reader.string("name", out.name, Need::required);
  reader.choice<ClassifierBackend>(
      "backend", out.backend,
      {{"in-process", ClassifierBackend::in_process}, {"http", ClassifierBackend::http}});
  const bool has_model_dir = reader.take("model_dir") != nullptr;
  const bool has_url = reader.take("url") != nullptr;
  reader.path("model_dir", out.model_dir, context.base_dir);
  reader.string("url", out.url);
  if (out.backend == ClassifierBackend::in_process && !has_model_dir) {
    reader.error("model_dir",
                 "required for backend \"in-process\": a Hugging Face model directory "
                 "(see docs/models.md)");
  }
  if (out.backend == ClassifierBackend::http) {
    if (!has_url) {
      reader.error("url", "required for backend \"http\", e.g. \"http://127.0.0.1:8000\"");
    } else if (!out.url.starts_with("http://") && !out.url.starts_with("https://")) {
      reader.error("url", "expected an http:// or https:// URL, got \"" + out.url + "\"");
    }
  }
  if (const auto* value = reader.take("threshold")) {
    if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() < 0.0 ||
        value->get<double>() > 1.0) {
      reader.error("threshold", "expected a number from 0 to 1, got " + value->dump());
    } else {
      out.threshold = value->get<double>();
    }
  }
  reader.integer("window", out.window, 8, 4096);
  reader.integer("stride", out.stride, 1, 4096);
  if (out.stride > out.window - 2) {
    reader.error("stride", "must be at most window - 2 (" + std::to_string(out.window - 2) +
                               ") so that windows overlap or touch and no token is skipped");
  }
  reader.integer("threads", out.threads, 1, 256);
  reader.integer("max_batch", out.max_batch, 1, 1024);
  reader.integer("timeout_ms", out.timeout_ms, 10, 600000);
  reader.integer("connect_timeout_ms", out.connect_timeout_ms, 10, 60000);
}

}  // namespace openclawd::config

namespace openclawd::config {

nlohmann::json classifiers_to_json(const std::vector<ClassifierConfig>& classifiers) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& classifier : classifiers) {
    nlohmann::json entry = {
        {"name", classifier.name},
        {"backend", classifier.backend == ClassifierBackend::http ? "http" : "in-process"},
        {"threshold", classifier.threshold},
        {"window", classifier.window},
        {"stride", classifier.stride},
        {"threads", classifier.threads},
        {"max_batch", classifier.max_batch},
        {"timeout_ms", classifier.timeout_ms},
        {"connect_timeout_ms", classifier.connect_timeout_ms},
    };
    if (classifier.backend == ClassifierBackend::http) {
      entry["url"] = classifier.url;
    } else {
      entry["model_dir"] = classifier.model_dir.string();
    }
    list.push_back(std::move(entry));
  }
  return list;
}

}  // namespace openclawd::config
