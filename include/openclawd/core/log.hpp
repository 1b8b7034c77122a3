#pragma once
// Logging: one process-wide spdlog logger (the only global we allow).
// Under systemd (JOURNAL_STREAM or INVOCATION_ID set) it writes to journald
// with structured fields; otherwise to stderr. Secrets must never be logged:
// log names and hashes of secret files, never their contents.

#include <spdlog/spdlog.h>

#include <string_view>

namespace openclawd::log {

enum class Sink { automatic, stderr_only, journald };

// Installs the default logger. `level` is an spdlog level name
// ("trace", "debug", "info", "warn", "error"); unknown names mean "info".
void init(std::string_view program, Sink sink = Sink::automatic, std::string_view level = "info");

// True when this process was started by systemd (journald is the right sink).
bool running_under_systemd();

}  // namespace openclawd::log
