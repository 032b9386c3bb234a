#pragma once

#include <stdexcept>
#include <string>

namespace orderflow::common {

/**
 * A setting that cannot be used. Thrown before any client starts, so a bad configuration stops
 * the program with a message that names the setting (an environment variable or a flag).
 */
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string setting, const std::string& problem)
        : std::runtime_error(setting + ": " + problem), setting_(std::move(setting)) {}

    const std::string& setting() const { return setting_; }

private:
    std::string setting_;
};

}  // namespace orderflow::common
