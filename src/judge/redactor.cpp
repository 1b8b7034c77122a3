#include "openclawd/judge/redactor.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cassert>

namespace openclawd::judge {
namespace {

struct PatternSpec {
  const char* kind;
  const char* regex;
};

// Credentials worth removing wherever they appear. Order matters: private key
// blocks first (they contain base64 that later patterns would half-match).
constexpr PatternSpec kPatterns[] = {
    {"private_key",
     R"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z))"},
    {"authorization", R"((?i)\b(?:proxy-)?authorization\s*:\s*(?:[A-Za-z]+\s+)?[^\s"',;]+)"},
    {"bearer_token", R"((?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,})"},
    {"jwt", R"(\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,})"},
    {"api_key", R"(\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,})"},    // OpenAI, OpenRouter (sk-or-v1-...)
    {"api_key", R"(\bcsk-[A-Za-z0-9]{16,})"},               // Cerebras
    {"api_key", R"(\bsk_(?:live|test)_[A-Za-z0-9]{16,})"},  // Stripe
    {"api_key", R"(\bAKIA[0-9A-Z]{16}\b)"},                 // AWS access key id
    {"api_key", R"(\bgh[pousr]_[A-Za-z0-9]{30,})"},         // GitHub
    {"api_key", R"(\bgithub_pat_[A-Za-z0-9_]{30,})"},
    {"api_key", R"(\bxox[abprs]-[A-Za-z0-9-]{10,})"},  // Slack
    {"api_key", R"(\bAIza[0-9A-Za-z_-]{35})"},         // Google API key
    {"oauth_token", R"(\bya29\.[0-9A-Za-z_-]{20,})"},  // Google OAuth access token
    {"oauth_token", R"(\b1//[0-9A-Za-z_-]{30,})"},     // Google refresh token
    {"discord_token", R"(\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,})"},
    {"api_key", R"(\bBSA[A-Za-z0-9_-]{20,})"},  // Brave search
    // NAME=value / "name": "value" assignments of anything that sounds secret.
    {"assignment",
     R"((?i)((?:api[_-]?key|secret|token|passw(?:or)?d|passphrase|credential|private[_-]?key)[A-Za-z0-9_-]*["']?\s*[:=]\s*["']?)[^\s"',;\[][^\s"',;]{5,})"},
};

}  // namespace

struct Redactor::Patterns {
  struct Compiled {
    std::string kind;
    std::unique_ptr<RE2> regex;
    bool keeps_prefix;  // the first group is kept (the "name=" of an assignment)
  };
  std::vector<Compiled> compiled;

  Patterns() {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(64 << 20);
    for (const auto& spec : kPatterns) {
      auto regex = std::make_unique<RE2>(spec.regex, options);
      assert(regex->ok());  // the patterns are constants: a bad one is a programming error
      bool keeps_prefix = regex->NumberOfCapturingGroups() > 0;
      compiled.push_back(Compiled{spec.kind, std::move(regex), keeps_prefix});
    }
  }
};

Redactor::Redactor() : patterns_(std::make_unique<Patterns>()) {}
Redactor::~Redactor() = default;

void Redactor::set_known_secrets(std::vector<std::string> secrets) {
  constexpr std::size_t kMinSecretBytes = 6;
  std::erase_if(secrets, [](const std::string& secret) { return secret.size() < kMinSecretBytes; });
  // Longest first: a secret that contains another must be replaced whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  std::lock_guard lock(mutex_);
  known_secrets_ = std::move(secrets);
}

Redaction Redactor::redact(std::string_view text) const {
  Redaction result{std::string(text), 0};
  {
    std::lock_guard lock(mutex_);
    for (const auto& secret : known_secrets_) {
      const std::string replacement = "[REDACTED:known_secret]";
      for (std::size_t at = result.text.find(secret); at != std::string::npos;
           at = result.text.find(secret, at + replacement.size())) {
        result.text.replace(at, secret.size(), replacement);
        ++result.replaced;
      }
    }
  }
  for (const auto& pattern : patterns_->compiled) {
    std::string rewrite = pattern.keeps_prefix ? "\\1[REDACTED:" + pattern.kind + "]"
                                               : "[REDACTED:" + pattern.kind + "]";
    result.replaced +=
        static_cast<std::size_t>(RE2::GlobalReplace(&result.text, *pattern.regex, rewrite));
  }
  return result;
}

}  // namespace openclawd::judge
