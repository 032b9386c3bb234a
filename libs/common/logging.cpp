#include "common/logging.h"

#include "common/config_error.h"
#include "common/fatal_signal.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace orderflow::common {

void init_logging(const std::string& service, const std::string& level) {
    const auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") {
        throw ConfigError("LOG_LEVEL", "unknown level '" + level +
                                           "' (use trace, debug, info, warn, error or off)");
    }
    auto logger = spdlog::stderr_logger_mt(service);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l [%n] %v", spdlog::pattern_time_type::utc);
    logger->set_level(parsed);
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
    set_fatal_signal_tag(service);  // the fatal-signal line then names the service too
}

}  // namespace orderflow::common
