#include "openclawd/secrets/ssh_key.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "openclawd/secrets/token.hpp"

namespace openclawd::secrets {
namespace {

constexpr std::string_view kKeyType = "ssh-ed25519";
constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
constexpr std::string_view kBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kEnd = "-----END OPENSSH PRIVATE KEY-----";

// SSH wire encoding (RFC 4251): uint32 big-endian, string = length + bytes.
void put_uint32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xff));
}
void put_string(std::string& out, std::string_view value) {
  put_uint32(out, static_cast<std::uint32_t>(value.size()));
  out.append(value);
}
std::string_view bytes_of(const std::array<std::uint8_t, 32>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string public_key_blob(const Ed25519KeyPair& key) {
  std::string blob;
  put_string(blob, kKeyType);
  put_string(blob, bytes_of(key.public_key));
  return blob;
}

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}
  bool uint32(std::uint32_t& value) {
    if (data_.size() < 4) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<std::uint8_t>(data_[i]);
    data_.remove_prefix(4);
    return true;
  }
  bool string(std::string_view& value) {
    std::uint32_t length = 0;
    if (!uint32(length) || data_.size() < length) return false;
    value = data_.substr(0, length);
    data_.remove_prefix(length);
    return true;
  }
  std::string_view rest() const { return data_; }

 private:
  std::string_view data_;
};

Result<std::string> base64_decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return make_error("base64 length is not a multiple of 4");
  std::string out(clean.size() / 4 * 3, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                               reinterpret_cast<const unsigned char*>(clean.data()),
                               static_cast<int>(clean.size()));
  if (length < 0) return make_error("invalid base64");
  std::size_t padding = 0;
  if (!clean.empty() && clean.back() == '=') ++padding;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(length) - padding);
  return out;
}

}  // namespace

Result<Ed25519KeyPair> generate_ed25519_key() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free);
  if (!pkey) return make_error("OpenSSL could not generate an ed25519 key (EVP_PKEY_Q_keygen)");
  Ed25519KeyPair key;
  std::size_t private_length = key.seed.size();
  std::size_t public_length = key.public_key.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), key.seed.data(), &private_length) != 1 ||
      EVP_PKEY_get_raw_public_key(pkey.get(), key.public_key.data(), &public_length) != 1 ||
      private_length != 32 || public_length != 32) {
    return make_error("OpenSSL could not export the raw ed25519 key");
  }
  return key;
}

std::string openssh_public_key_line(const Ed25519KeyPair& key, std::string_view comment) {
  std::string line = std::string(kKeyType) + " " + base64_encode(public_key_blob(key));
  if (!comment.empty()) line += " " + std::string(comment);
  return line;
}

std::string openssh_private_key(const Ed25519KeyPair& key, std::string_view comment,
                                std::uint32_t check) {
  std::string secret;  // the "private section" (unencrypted: cipher "none")
  put_uint32(secret, check);
  put_uint32(secret, check);
  put_string(secret, kKeyType);
  put_string(secret, bytes_of(key.public_key));
  // OpenSSH stores ed25519's 64-byte "secret key": seed followed by public key.
  put_string(secret, std::string(bytes_of(key.seed)) + std::string(bytes_of(key.public_key)));
  put_string(secret, comment);
  for (char pad = 1; secret.size() % 8 != 0; ++pad) secret.push_back(pad);

  std::string blob(kMagic);
  put_string(blob, "none");  // cipher
  put_string(blob, "none");  // kdf
  put_string(blob, "");      // kdf options
  put_uint32(blob, 1);       // one key
  put_string(blob, public_key_blob(key));
  put_string(blob, secret);
  std::fill(secret.begin(), secret.end(), '\0');

  std::string encoded = base64_encode(blob);
  std::string text = std::string(kBegin) + "\n";
  for (std::size_t i = 0; i < encoded.size(); i += 70) text += encoded.substr(i, 70) + "\n";
  text += std::string(kEnd) + "\n";
  return text;
}

Result<Ed25519KeyPair> parse_openssh_private_key(std::string_view text, std::string* comment) {
  auto bad = [](std::string_view why) {
    return make_error(fmt::format("not an unencrypted OpenSSH ed25519 private key: {}", why));
  };
  auto begin = text.find(kBegin);
  auto end = text.find(kEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) {
    return bad("missing BEGIN/END OPENSSH PRIVATE KEY lines");
  }
  auto blob = base64_decode(text.substr(begin + kBegin.size(), end - begin - kBegin.size()));
  if (!blob) return bad(blob.error().message);
  std::string_view data = *blob;
  if (data.substr(0, kMagic.size()) != kMagic) return bad("wrong magic");
  WireReader reader(data.substr(kMagic.size()));
  std::string_view cipher, kdf, kdf_options, public_blob, secret;
  std::uint32_t keys = 0;
  if (!reader.string(cipher) || !reader.string(kdf) || !reader.string(kdf_options) ||
      !reader.uint32(keys) || !reader.string(public_blob) || !reader.string(secret)) {
    return bad("truncated");
  }
  if (cipher != "none" || kdf != "none") return bad("the key is encrypted");
  if (keys != 1) return bad("more than one key");
  WireReader section(secret);
  std::uint32_t check1 = 0, check2 = 0;
  std::string_view type, public_key, private_key, key_comment;
  if (!section.uint32(check1) || !section.uint32(check2) || !section.string(type) ||
      !section.string(public_key) || !section.string(private_key) || !section.string(key_comment)) {
    return bad("truncated private section");
  }
  if (check1 != check2) return bad("check values differ");
  if (type != kKeyType) return bad("not an ed25519 key");
  if (public_key.size() != 32 || private_key.size() != 64 || private_key.substr(32) != public_key) {
    return bad("wrong ed25519 key sizes");
  }
  Ed25519KeyPair key;
  std::memcpy(key.seed.data(), private_key.data(), 32);
  std::memcpy(key.public_key.data(), public_key.data(), 32);
  if (comment != nullptr) *comment = std::string(key_comment);
  return key;
}

Result<std::string> authorized_keys_line(const Ed25519KeyPair& key, std::string_view comment,
                                         std::string_view gate_command) {
  if (gate_command.empty() || gate_command.front() != '/') {
    return make_error(fmt::format("gate command '{}' must be an absolute path", gate_command));
  }
  for (char c : gate_command) {
    if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\0') {
      return make_error(fmt::format(
          "gate command '{}' contains a quote, backslash or line break, which authorized_keys "
          "cannot hold safely",
          gate_command));
    }
  }
  return fmt::format(
      "command=\"{}\",no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty {}",
      gate_command, openssh_public_key_line(key, comment));
}

}  // namespace openclawd::secrets
