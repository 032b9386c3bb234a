#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orderflow::common {

using EnvEntries = std::vector<std::pair<std::string, std::string>>;

/**
 * Parses the text of a `.env` file: `KEY=value` lines, `#` comments, blank lines, an optional
 * `export ` prefix, and values in single or double quotes (a `#` inside quotes is kept).
 * Errors: ConfigError naming `source:line` for a line that is not an assignment or has a bad key.
 */
EnvEntries parse_env_file(std::string_view text, const std::string& source);

/// Sets each of `entries` that the environment does not set yet; returns how many it set.
int set_unset_variables(const EnvEntries& entries);

}  // namespace orderflow::common
