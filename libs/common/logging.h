#pragma once

#include <string>

namespace orderflow::common {

/**
 * Sets the default spdlog logger: one line per event on stderr,
 * `2026-11-24T08:53:20.123Z info [producer] message`. `level` is trace, debug, info, warn,
 * error or off (LOG_LEVEL). Safe to call from any thread afterwards: spdlog's _mt sinks.
 * Errors: ConfigError naming LOG_LEVEL for an unknown level.
 */
void init_logging(const std::string& service, const std::string& level);

}  // namespace orderflow::common
