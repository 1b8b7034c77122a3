#include "openclawd/core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace openclawd::log {

bool running_under_systemd() {
  return std::getenv("JOURNAL_STREAM") != nullptr || std::getenv("INVOCATION_ID") != nullptr;
}

void init(std::string_view program, Sink sink, std::string_view level) {
  const bool journald =
      sink == Sink::journald || (sink == Sink::automatic && running_under_systemd());
  std::shared_ptr<spdlog::logger> logger;
  if (journald) {
    auto journal_sink = std::make_shared<spdlog::sinks::systemd_sink_mt>(std::string(program));
    logger = std::make_shared<spdlog::logger>(std::string(program), journal_sink);
    logger->set_pattern("%v");  // journald adds time, priority and identifier itself
  } else {
    logger = std::make_shared<spdlog::logger>(std::string(program),
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") parsed = spdlog::level::info;
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace openclawd::log
