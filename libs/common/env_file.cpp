#include "common/env_file.h"

#include "common/config_error.h"
#include "common/text.h"

#include <cstdlib>

namespace orderflow::common {
namespace {

// A line's own white space: LF ends the line, CR is what Windows editors leave before it.
constexpr std::string_view kLineSpace = " \t\r";

bool is_valid_key(std::string_view key) {
    if (key.empty() || (key[0] >= '0' && key[0] <= '9')) {
        return false;
    }
    for (const char c : key) {
        const bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string parse_value(std::string_view raw, const std::string& where) {
    raw = trim(raw, kLineSpace);
    if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
        const char quote = raw.front();
        const auto close = raw.find(quote, 1);
        if (close == std::string_view::npos) {
            throw ConfigError(where, "unterminated quoted value");
        }
        return std::string(raw.substr(1, close - 1));
    }
    // Unquoted: a ` #` starts a comment, as in shell.
    const auto comment = raw.find(" #");
    return std::string(trim(raw.substr(0, comment), kLineSpace));
}

}  // namespace

EnvEntries parse_env_file(std::string_view text, const std::string& source) {
    EnvEntries entries;
    int line_number = 0;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        std::string_view line = trim(text.substr(0, newline), kLineSpace);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const std::string where = source + ":" + std::to_string(line_number);
        if (line.starts_with("export ")) {
            line = trim(line.substr(7), kLineSpace);
        }
        const auto equals = line.find('=');
        if (equals == std::string_view::npos) {
            // The line is not shown: in a secrets file it may be a password.
            throw ConfigError(where, "expected KEY=value");
        }
        const auto key = trim(line.substr(0, equals), kLineSpace);
        if (!is_valid_key(key)) {
            throw ConfigError(where, "'" + std::string(key) + "' is not a valid variable name");
        }
        entries.emplace_back(std::string(key), parse_value(line.substr(equals + 1), where));
    }
    return entries;
}

int set_unset_variables(const EnvEntries& entries) {
    int set = 0;
    for (const auto& [key, value] : entries) {
        if (std::getenv(key.c_str()) == nullptr) {  // NOLINT(concurrency-mt-unsafe): before threads
            ::setenv(key.c_str(), value.c_str(), 0);
            ++set;
        }
    }
    return set;
}

}  // namespace orderflow::common
