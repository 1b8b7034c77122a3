#pragma once
// A classifier served over HTTP by the reference Python model servers (FastAPI):
//   POST {url}/classify {"text": "..."}      -> {"label", "confidence", "scores": {label: p}}
//   POST {url}/classify {"texts": ["..."]}   -> {"results": [ {...}, ... ]}
//   GET  {url}/health                        -> 200
// libcurl handles are pooled so connections are reused across calls and threads.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "openclawd/classifier/model.hpp"

namespace openclawd::defender {

struct HttpClassifierSettings {
  std::string url;  // base URL, e.g. "http://127.0.0.1:8000"
  int timeout_ms = 2000;
  int connect_timeout_ms = 500;
  int max_batch = 8;  // texts per request
};

class HttpClassifier final : public TextClassifier {
 public:
  explicit HttpClassifier(HttpClassifierSettings settings);
  ~HttpClassifier() override;
  HttpClassifier(const HttpClassifier&) = delete;
  HttpClassifier& operator=(const HttpClassifier&) = delete;

  Result<Classification> classify(const std::string& text) const override;
  Result<std::vector<Classification>> classify_batch(
      const std::vector<std::string>& texts) const override;
  // GET /health: ok when the server answers 2xx.
  Status health() const;
  // Why the last call failed; empty after a successful call.
  std::string last_error() const;

 private:
  struct Connections;
  HttpClassifierSettings settings_;
  std::unique_ptr<Connections> connections_;
};

// One {"label", "confidence", "scores"} object of the reference protocol;
// `source` names the server in errors.
Result<Classification> parse_http_classification(const nlohmann::json& json,
                                                 const std::string& source);

}  // namespace openclawd::defender
