#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <optional>

#include "openclawd/classifier/http.hpp"

namespace openclawd::defender {
namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

// Idle curl handles: each keeps its connection open, so a call reuses one
// when another thread is not using it.
struct HttpClassifier::Connections {
  std::mutex mutex;
  std::vector<CURL*> idle;
  std::string last_error;

  ~Connections() {
    for (CURL* handle : idle) curl_easy_cleanup(handle);
  }
  CURL* take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }
  void give_back(CURL* handle) {
    std::lock_guard lock(mutex);
    idle.push_back(handle);
  }
  void record(const std::string& error) {
    std::lock_guard lock(mutex);
    last_error = error;
  }
};

HttpClassifier::HttpClassifier(HttpClassifierSettings settings)
    : settings_(std::move(settings)), connections_(std::make_unique<Connections>()) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  settings_.url = trim_slash(settings_.url);
  settings_.max_batch = std::max(1, settings_.max_batch);
}

HttpClassifier::~HttpClassifier() = default;

std::string HttpClassifier::last_error() const {
  std::lock_guard lock(connections_->mutex);
  return connections_->last_error;
}

namespace {

struct Reply {
  long status = 0;
  std::string body;
};

Result<Reply> perform(CURL* handle, const std::string& url, const std::string* post_body,
                      const HttpClassifierSettings& settings) {
  curl_easy_reset(handle);  // keeps the connection cache
  Reply reply;
  curl_slist* headers = nullptr;
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout_ms));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(settings.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  if (post_body != nullptr) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, post_body->c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(post_body->size()));
  }
  const CURLcode code = curl_easy_perform(handle);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return make_error(url + ": " + curl_easy_strerror(code) +
                      " (is the classifier server running? check /defender/classifiers url)");
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply.status);
  if (reply.status < 200 || reply.status >= 300) {
    return make_error(url + ": HTTP " + std::to_string(reply.status) + ": " +
                      reply.body.substr(0, 200));
  }
  return reply;
}

}  // namespace

Result<Classification> parse_http_classification(const nlohmann::json& json,
                                                 const std::string& source) {
  if (!json.is_object() || !json.contains("label") || !json["label"].is_string()) {
    return make_error(source + ": expected {\"label\", \"confidence\", \"scores\"}");
  }
  Classification out;
  out.label = json["label"].get<std::string>();
  out.windows = 1;
  const auto scores = json.find("scores");
  if (scores != json.end() && scores->is_object() && !scores->empty()) {
    std::optional<double> benign;
    for (const auto& [label, value] : scores->items()) {
      if (!value.is_number()) return make_error(source + ": /scores/" + label + " is not a number");
      out.labels.push_back(label);
      out.probabilities.push_back(value.get<double>());
      if (is_benign_label(label)) benign = value.get<double>();
    }
    if (!benign) {
      if (const auto first = scores->find("LABEL_0"); first != scores->end()) {
        benign = first->get<double>();  // unnamed labels: 0 is the negative class
      }
    }
    if (!benign) {
      return make_error(source + ": /scores has no BENIGN, SAFE or LABEL_0 entry");
    }
    out.injection_score = 1.0 - *benign;
  } else {
    const auto confidence = json.find("confidence");
    if (confidence == json.end() || !confidence->is_number()) {
      return make_error(source + ": neither /scores nor a numeric /confidence in the answer");
    }
    const double value = confidence->get<double>();
    out.injection_score = is_benign_label(out.label) ? 1.0 - value : value;
    out.labels = {out.label};
    out.probabilities = {value};
  }
  out.injection_score = std::clamp(out.injection_score, 0.0, 1.0);
  return out;
}

Status HttpClassifier::health() const {
  CURL* handle = connections_->take();
  if (handle == nullptr) return make_error("curl_easy_init failed");
  auto reply = perform(handle, settings_.url + "/health", nullptr, settings_);
  connections_->give_back(handle);
  if (!reply) {
    connections_->record(reply.error().message);
    return reply.error();
  }
  return ok_status();
}

Result<Classification> HttpClassifier::classify(const std::string& text) const {
  const std::string url = settings_.url + "/classify";
  CURL* handle = connections_->take();
  if (handle == nullptr) return make_error("curl_easy_init failed");
  const std::string body =
      nlohmann::json{{"text", text}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto reply = perform(handle, url, &body, settings_);
  connections_->give_back(handle);
  Result<Classification> result = make_error("");
  if (!reply) {
    result = reply.error();
  } else {
    auto json = nlohmann::json::parse(reply->body, nullptr, false);
    result = json.is_discarded() ? Result<Classification>(make_error(url + ": answer is not JSON"))
                                 : parse_http_classification(json, url);
  }
  connections_->record(result ? "" : result.error().message);
  return result;
}

Result<std::vector<Classification>> HttpClassifier::classify_batch(
    const std::vector<std::string>& texts) const {
  const std::string url = settings_.url + "/classify";
  std::vector<Classification> results;
  for (std::size_t start = 0; start < texts.size();
       start += static_cast<std::size_t>(settings_.max_batch)) {
    const auto end = std::min(texts.size(), start + static_cast<std::size_t>(settings_.max_batch));
    const nlohmann::json chunk(
        std::vector<std::string>(texts.begin() + static_cast<std::ptrdiff_t>(start),
                                 texts.begin() + static_cast<std::ptrdiff_t>(end)));
    const std::string body = nlohmann::json{{"texts", chunk}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    CURL* handle = connections_->take();
    if (handle == nullptr) return make_error("curl_easy_init failed");
    auto reply = perform(handle, url, &body, settings_);
    connections_->give_back(handle);
    if (!reply) {
      connections_->record(reply.error().message);
      return reply.error();
    }
    auto json = nlohmann::json::parse(reply->body, nullptr, false);
    if (json.is_discarded() || !json.is_object() || !json.contains("results") ||
        !json["results"].is_array() || json["results"].size() != end - start) {
      const std::string error = url + ": expected {\"results\": [...]} with one entry per text";
      connections_->record(error);
      return make_error(error);
    }
    for (const auto& item : json["results"]) {
      auto parsed = parse_http_classification(item, url);
      if (!parsed) {
        connections_->record(parsed.error().message);
        return parsed.error();
      }
      results.push_back(std::move(*parsed));
    }
  }
  connections_->record("");
  return results;
}

}  // namespace openclawd::defender
