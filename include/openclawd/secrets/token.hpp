#pragma once
// Random tokens from OpenSSL's CSPRNG.

#include <cstddef>
#include <string>
#include <string_view>

#include "openclawd/core/result.hpp"

namespace openclawd::secrets {

// `bytes` random bytes, standard base64 (with padding), no newline.
Result<std::string> make_random_token(std::size_t bytes);

// Standard base64 with padding, no line breaks.
std::string base64_encode(std::string_view data);

}  // namespace openclawd::secrets
