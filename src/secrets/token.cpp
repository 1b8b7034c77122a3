#include "openclawd/secrets/token.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

namespace openclawd::secrets {

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                               reinterpret_cast<const unsigned char*>(data.data()),
                               static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

Result<std::string> make_random_token(std::size_t bytes) {
  if (bytes == 0 || bytes > 4096) {
    return make_error(fmt::format("a token of {} bytes was asked for; use 1 to 4096", bytes));
  }
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return make_error(
        "OpenSSL's random generator failed (RAND_bytes); is the system entropy "
        "source available?");
  }
  std::string token = base64_encode(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return token;
}

}  // namespace openclawd::secrets
