#pragma once
// ed25519 key pairs in OpenSSH's own formats, so `ssh -i` and sshd's
// authorized_keys read them: the "openssh-key-v1" private key (unencrypted)
// and the one-line public key "ssh-ed25519 <base64> <comment>".

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "openclawd/core/result.hpp"

namespace openclawd::secrets {

struct Ed25519KeyPair {
  std::array<std::uint8_t, 32> seed{};  // the private key (RFC 8032 seed)
  std::array<std::uint8_t, 32> public_key{};
};

// A fresh key pair from OpenSSL (EVP, ED25519).
Result<Ed25519KeyPair> generate_ed25519_key();

// "ssh-ed25519 AAAA... comment" (no newline).
std::string openssh_public_key_line(const Ed25519KeyPair& key, std::string_view comment);

// The PEM-armoured openssh-key-v1 private key, ending in a newline.
// `check` is the random 32-bit check value OpenSSH puts in the private section.
std::string openssh_private_key(const Ed25519KeyPair& key, std::string_view comment,
                                std::uint32_t check);

// Reads back a private key written by openssh_private_key (unencrypted
// ed25519 only); the comment is returned through `comment` when non-null.
Result<Ed25519KeyPair> parse_openssh_private_key(std::string_view text,
                                                 std::string* comment = nullptr);

// The authorized_keys line that forces `gate_command` and forbids forwarding
// and a pty: command="<gate>",no-port-forwarding,... ssh-ed25519 ... comment
Result<std::string> authorized_keys_line(const Ed25519KeyPair& key, std::string_view comment,
                                         std::string_view gate_command);

}  // namespace openclawd::secrets
