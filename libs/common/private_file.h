#pragma once

// Settings files that may hold secrets (passwords, keys): read once at start with a size cap,
// and refused when another user of the machine could read them.

#include <cstddef>
#include <string>

namespace orderflow::common {

/// A settings file as read: its bytes and its permission bits.
struct SettingsFileText {
    std::string text;
    unsigned mode = 0;  ///< st_mode & 0777
};

/**
 * Reads the regular file `path` named by `setting`. Errors: ConfigError naming `setting` and
 * the path when it is missing, not a regular file, unreadable or larger than `max_bytes`.
 */
SettingsFileText read_settings_file(const std::string& setting,
                                    const std::string& path,
                                    std::size_t max_bytes);

/**
 * Refuses a file whose group or others have any access (mode & 077): `holds` says why that
 * matters ("sasl.password"). Errors: ConfigError naming `setting`, the path and the mode.
 */
void require_owner_only(const std::string& setting,
                        const std::string& path,
                        unsigned mode,
                        const std::string& holds);

/// "0640": a mode as chmod takes it.
std::string octal_mode(unsigned mode);

}  // namespace orderflow::common
