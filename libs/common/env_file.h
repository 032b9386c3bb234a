#pragma once

#include <filesystem>
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

/**
 * Reads `path` if it exists and sets each variable that the environment does not already set:
 * the real environment wins over the file, so `FOO=x orderflow ...` still overrides `.env`.
 * Returns how many variables the file set. A missing file is not an error.
 */
int load_env_file(const std::filesystem::path& path);

}  // namespace orderflow::common
