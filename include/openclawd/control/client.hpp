#pragma once
// A blocking client of the control socket, for the CLI and scripts' tests.

#include <chrono>
#include <filesystem>

#include "openclawd/control/protocol.hpp"
#include "openclawd/core/result.hpp"

namespace openclawd::control {

enum class ClientFailure { none, not_running, permission, protocol };

struct ClientError {
  ClientFailure kind = ClientFailure::none;
  std::string message;
};

// Sends one request and waits up to `timeout` for its response.
// On failure, `error` says whether the daemon is not running, the caller lacks
// permission, or the exchange failed.
Result<Response> call(const std::filesystem::path& socket_path, const Request& request,
                      std::chrono::milliseconds timeout, ClientError* error = nullptr);

}  // namespace openclawd::control
