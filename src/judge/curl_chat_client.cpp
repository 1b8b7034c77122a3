// The libcurl implementation of ChatClient: one easy handle per call, so
// concurrent calls from the defender's workers share nothing.
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <mutex>
#include <sstream>

#include "openclawd/core/log.hpp"
#include "openclawd/judge/chat_client.hpp"

namespace openclawd::judge {
namespace {

constexpr std::size_t kMaxResponseBytes = 1024 * 1024;

struct ResponseBuffer {
  std::string body;
  bool too_large = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* buffer = static_cast<ResponseBuffer*>(user);
  std::size_t bytes = size * count;
  if (buffer->body.size() + bytes > kMaxResponseBytes) {
    buffer->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  buffer->body.append(data, bytes);
  return bytes;
}

std::string trim(std::string text) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  return text;
}

// A short, printable piece of an error body for messages.
std::string excerpt(std::string_view body) {
  constexpr std::size_t kMax = 200;
  std::string out(body.substr(0, kMax));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

struct HttpAnswer {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  bool too_large = false;
  std::string curl_error;
};

class CurlChatClient final : public ChatClient {
 public:
  CurlChatClient(JudgeSettings settings, std::string api_key)
      : settings_(std::move(settings)),
        api_key_(std::move(api_key)),
        url_(chat_url(settings_.base_url)),
        schema_supported_(settings_.use_json_schema) {}

  ChatResult complete(const ChatRequest& request) override {
    auto started = std::chrono::steady_clock::now();
    bool with_schema = schema_supported_.load();
    auto answer = post(chat_request_body(settings_, request, with_schema).dump(), request.timeout);
    ChatResult result;
    if (with_schema && answer.code == CURLE_OK && (answer.status == 400 || answer.status == 422)) {
      // The server does not take response_format json_schema: remember that
      // and ask again without it in the time that is left.
      schema_supported_.store(false);
      result.schema_fallback = true;
      spdlog::warn("judge: {} rejected response_format json_schema (HTTP {}); asking without it",
                   url_, answer.status);
      auto left = request.timeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started);
      if (left.count() <= 0) {
        result.failure = {ChatFailureKind::timeout, 0,
                          "no time left for the request without "
                          "response_format"};
        return result;
      }
      answer = post(chat_request_body(settings_, request, false).dump(), left);
    }
    return interpret(std::move(answer), std::move(result));
  }

 private:
  static std::string chat_url(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/chat/completions";
  }

  HttpAnswer post(const std::string& body, std::chrono::milliseconds timeout) const {
    HttpAnswer answer;
    CURL* handle = curl_easy_init();
    if (handle == nullptr) {
      answer.code = CURLE_FAILED_INIT;
      answer.curl_error = "curl_easy_init failed";
      return answer;
    }
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    std::string authorization;
    if (!api_key_.empty()) {
      authorization = "Authorization: Bearer " + api_key_;
      headers = curl_slist_append(headers, authorization.c_str());
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    ResponseBuffer buffer;
    long timeout_ms = std::max<long>(1, static_cast<long>(timeout.count()));
    long connect_ms =
        std::max<long>(1, std::min<long>(timeout_ms, settings_.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &buffer);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "openclawd-judge");
    answer.code = curl_easy_perform(handle);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &answer.status);
    answer.body = std::move(buffer.body);
    answer.too_large = buffer.too_large;
    answer.curl_error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(answer.code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(handle);
    // The header list held the key; do not leave it in freed memory we own.
    std::fill(authorization.begin(), authorization.end(), '\0');
    return answer;
  }

  ChatResult interpret(HttpAnswer answer, ChatResult result) const {
    if (answer.too_large) {
      result.failure = {ChatFailureKind::bad_response, answer.status,
                        url_ + ": response larger than 1 MiB"};
      return result;
    }
    if (answer.code == CURLE_OPERATION_TIMEDOUT) {
      result.failure = {ChatFailureKind::timeout, 0, url_ + ": " + answer.curl_error};
      return result;
    }
    if (answer.code != CURLE_OK) {
      result.failure = {ChatFailureKind::transport, 0, url_ + ": " + answer.curl_error};
      return result;
    }
    if (answer.status < 200 || answer.status >= 300) {
      result.failure = {ChatFailureKind::http_status, answer.status,
                        url_ + ": HTTP " + std::to_string(answer.status) + ": " +
                            without_key(excerpt(answer.body))};
      return result;
    }
    auto content = parse_chat_response(answer.body);
    if (!content) {
      result.failure = {ChatFailureKind::bad_response, answer.status,
                        url_ + ": " + content.error().message};
      return result;
    }
    result.content = std::move(*content);
    return result;
  }

  // A misbehaving server could echo the request headers back.
  std::string without_key(std::string text) const {
    if (api_key_.empty()) return text;
    for (auto at = text.find(api_key_); at != std::string::npos; at = text.find(api_key_, at)) {
      text.replace(at, api_key_.size(), "[REDACTED]");
    }
    return text;
  }

  const JudgeSettings settings_;
  const std::string api_key_;
  const std::string url_;
  std::atomic<bool> schema_supported_;
};

Result<std::string> read_api_key(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    return make_error("judge API key file " + file.string() +
                      " cannot be read; create it (one line, the key) or fix judge.api_key_file");
  }
  std::stringstream content;
  content << in.rdbuf();
  auto key = trim(content.str());
  if (key.empty()) {
    return make_error("judge API key file " + file.string() + " is empty; put the key in it");
  }
  if (key.find_first_of("\r\n") != std::string::npos) {
    return make_error("judge API key file " + file.string() +
                      " has more than one line; it must hold only the key");
  }
  return key;
}

}  // namespace

Result<std::unique_ptr<ChatClient>> make_curl_chat_client(const JudgeSettings& settings) {
  static std::once_flag curl_initialized;
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (!settings.base_url.starts_with("http://") && !settings.base_url.starts_with("https://")) {
    return make_error("judge base_url \"" + settings.base_url +
                      "\" must start with http:// or https://");
  }
  std::string api_key;
  if (!settings.api_key_file.empty()) {
    auto key = read_api_key(settings.api_key_file);
    if (!key) return key.error();
    api_key = std::move(*key);
  }
  return std::unique_ptr<ChatClient>(
      std::make_unique<CurlChatClient>(settings, std::move(api_key)));
}

}  // namespace openclawd::judge
