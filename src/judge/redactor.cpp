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

namespace {

// The start of what can open a credential at the very end of a text: the
// names that the patterns above key on, with the separator and quote that may
// follow them.
constexpr const char* kOpener =
    R"((?i)(?:\b(?:proxy-)?authorization\s*:?\s*(?:[a-z]+\s*)?|\bbearer\s*|)"
    R"((?:api[_-]?key|secret|token|passw(?:or)?d|passphrase|credential|private[_-]?key))"
    R"([a-z0-9_-]*["']?\s*[:=]?\s*["']?)$)";

constexpr std::string_view kKeyBegin = "-----BEGIN ";
constexpr std::string_view kKeyEndPrefix = "-----END ";
constexpr std::string_view kKeyEndSuffix = "PRIVATE KEY-----";

// How far back an opener is looked for: the longest opener is shorter.
constexpr std::size_t kOpenerWindow = 128;

}  // namespace

Redactor::Redactor() : patterns_(std::make_unique<Patterns>()) {
  RE2::Options options;
  options.set_log_errors(false);
  opener_ = std::make_unique<RE2>(kOpener, options);
  assert(opener_->ok());
}

std::size_t Redactor::private_key_end(std::string_view text) {
  for (std::size_t at = text.find(kKeyEndPrefix); at != std::string_view::npos;
       at = text.find(kKeyEndPrefix, at + 1)) {
    const auto suffix = text.find(kKeyEndSuffix, at + kKeyEndPrefix.size());
    if (suffix == std::string_view::npos) return std::string_view::npos;
    // Only "[A-Z0-9 ]*" between the two, as the private_key pattern says.
    const auto between = text.substr(at + kKeyEndPrefix.size(), suffix - at - kKeyEndPrefix.size());
    if (std::all_of(between.begin(), between.end(), [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ';
        })) {
      return suffix + kKeyEndSuffix.size();
    }
  }
  return std::string_view::npos;
}

std::size_t Redactor::unfinished_start(std::string_view text) const {
  std::size_t start = std::string_view::npos;
  const auto begin = text.rfind(kKeyBegin);
  if (begin != std::string_view::npos &&
      private_key_end(text.substr(begin)) == std::string_view::npos) {
    start = begin;
  }
  const std::size_t window = text.size() > kOpenerWindow ? text.size() - kOpenerWindow : 0;
  const re2::StringPiece input(text.data(), text.size());
  re2::StringPiece match;
  if (opener_->Match(input, window, text.size(), RE2::UNANCHORED, &match, 1) && !match.empty()) {
    start = std::min(start, static_cast<std::size_t>(match.data() - text.data()));
  }
  return start;
}
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

std::vector<RedactionSpan> Redactor::find(std::string_view text) const {
  std::vector<RedactionSpan> spans;
  auto overlaps = [&spans](std::size_t begin, std::size_t end) {
    return std::any_of(spans.begin(), spans.end(), [&](const RedactionSpan& span) {
      return begin < span.end && span.begin < end;
    });
  };
  {
    std::lock_guard lock(mutex_);
    for (const auto& secret : known_secrets_) {
      for (std::size_t at = text.find(secret); at != std::string_view::npos;
           at = text.find(secret, at + secret.size())) {
        if (!overlaps(at, at + secret.size())) {
          spans.push_back({at, at + secret.size(), 0, "known_secret"});
        }
      }
    }
  }
  // Patterns in order; a match that overlaps an earlier one is left out (a
  // private key block hides the base64 inside it).
  const re2::StringPiece input(text.data(), text.size());
  for (const auto& pattern : patterns_->compiled) {
    re2::StringPiece groups[2];
    const int wanted = pattern.keeps_prefix ? 2 : 1;
    std::size_t position = 0;
    while (position <= text.size() &&
           pattern.regex->Match(input, position, text.size(), RE2::UNANCHORED, groups, wanted)) {
      const auto begin = static_cast<std::size_t>(groups[0].data() - text.data());
      const auto end = begin + groups[0].size();
      const std::size_t keep = pattern.keeps_prefix ? groups[1].size() : 0;
      if (end > begin + keep && !overlaps(begin, end)) {
        spans.push_back({begin, end, keep, pattern.kind});
      }
      position = end > position ? end : position + 1;
    }
  }
  std::sort(spans.begin(), spans.end(),
            [](const RedactionSpan& a, const RedactionSpan& b) { return a.begin < b.begin; });
  return spans;
}

std::string Redactor::marker(std::string_view kind) {
  return "[REDACTED:" + std::string(kind) + "]";
}

std::string Redactor::apply(std::string_view text, const std::vector<RedactionSpan>& spans) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const auto& span : spans) {
    out.append(text.substr(at, span.begin + span.keep - at));
    out.append(marker(span.kind));
    at = span.end;
  }
  out.append(text.substr(at));
  return out;
}

Redaction Redactor::redact(std::string_view text) const {
  const auto spans = find(text);
  return Redaction{apply(text, spans), spans.size()};
}

}  // namespace openclawd::judge
