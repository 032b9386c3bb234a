#pragma once

// HTTP basic authentication as Confluent's registry does it with PropertyFileLoginModule: a
// credentials file of `user: password,role[,role...]` lines, roles `reader` (reads, lookups and
// compatibility checks) and `writer` (everything). Read once at start.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace orderflow::registry {

enum class Role { reader, writer };

class BasicAuth {
public:
    /**
     * Reads the credentials file `path`, the value of `setting`. Errors: common::ConfigError
     * naming `setting` when the file is missing, unreadable, readable by group or others, or
     * malformed (the message names the line, never its password).
     */
    static BasicAuth load(const std::string& setting, const std::string& path);

    /// The file's text. Errors: common::ConfigError naming `setting` and the line.
    static BasicAuth parse(const std::string& setting, std::string_view text);

    /// The role of the caller an `Authorization` header value names; nullopt when it is absent,
    /// not `Basic`, malformed, or names an unknown user or a wrong password.
    std::optional<Role> authenticate(std::string_view authorization) const;

    std::size_t users() const { return users_.size(); }

private:
    struct User {
        std::string password;
        Role role = Role::reader;
    };
    std::map<std::string, User, std::less<>> users_;
};

/// Base64 (RFC 4648, padded) to bytes; nullopt when `text` is not base64.
std::optional<std::string> decode_base64(std::string_view text);

/// Compares in time that depends only on the length of `given`, not on where they differ.
bool constant_time_equals(std::string_view given, std::string_view expected);

}  // namespace orderflow::registry
