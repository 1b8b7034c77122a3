#include "openclawd/gate/decision_log.hpp"

#include <openssl/evp.h>
#include <syslog.h>

#include <array>

namespace openclawd::gate {
namespace {

// Values in the log line are quoted when they contain anything but [a-z0-9._-].
std::string field(std::string_view value) {
  const bool plain = !value.empty() && value.find_first_not_of(
                                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789._:-/") == std::string_view::npos;
  if (plain) return std::string(value);
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
    }
  }
  return out + "\"";
}

class SyslogDecisionLog final : public DecisionLog {
 public:
  SyslogDecisionLog() { ::openlog("gogcli-gate", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV); }
  ~SyslogDecisionLog() override { ::closelog(); }

  void decision(const Decision& d, std::string_view client) override {
    ::syslog(d.allowed ? LOG_INFO : LOG_WARNING, "%s", format_decision(d, client).c_str());
  }
  void exited(const Decision& d, int status) override {
    ::syslog(status == 0 ? LOG_INFO : LOG_WARNING, "%s", format_exit(d, status).c_str());
  }
  void error(std::string_view message) override {
    ::syslog(LOG_ERR, "error reason=%s", field(message).c_str());
  }
};

}  // namespace

std::string hash_arguments(const std::vector<std::string>& args) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const auto& arg : args) EVP_DigestUpdate(ctx, arg.data(), arg.size() + 1);  // with its NUL
  EVP_DigestFinal_ex(ctx, digest.data(), &size);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

std::string format_decision(const Decision& d, std::string_view client) {
  std::string line = d.allowed ? "decision=allow" : "decision=deny";
  line += " subcommand=" + field(d.subcommand.empty() ? "-" : d.subcommand);
  line += " verb=" + field(d.verb.empty() ? "-" : d.verb);
  line += " class=" + std::string(d.verb_class ? to_string(*d.verb_class) : "-");
  if (!d.refused_flag.empty()) line += " flag=" + field(d.refused_flag);
  line += " argc=" + std::to_string(d.args.size());
  line += " args_sha256=" + hash_arguments(d.args);
  line += " client=" + field(client.empty() ? "-" : client);
  line += " reason=" + field(d.reason);
  return line;
}

std::string format_exit(const Decision& d, int status) {
  return "exit subcommand=" + field(d.subcommand) + " verb=" + field(d.verb) +
         " status=" + std::to_string(status);
}

std::unique_ptr<DecisionLog> make_syslog_decision_log() {
  return std::make_unique<SyslogDecisionLog>();
}

}  // namespace openclawd::gate
