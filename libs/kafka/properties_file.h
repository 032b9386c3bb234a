#pragma once

// KAFKA_PROPERTIES_FILE: librdkafka properties in the file format `kcat -F` and Java's
// client.properties use (`key=value` lines, `#` comments, blank lines). It usually holds the
// credentials (sasl.password), so no message about it ever shows a value.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::kafka {

/// The setting every error about the file names.
inline constexpr const char* kPropertiesFileSetting = "KAFKA_PROPERTIES_FILE";

/// What a properties file may hold; more is refused (see libs/kafka/README.md).
struct PropertiesLimits {
    static constexpr std::size_t kMaxBytes = 64 * 1024;
    static constexpr std::size_t kMaxProperties = 256;
    static constexpr std::size_t kMaxKeyBytes = 128;
    static constexpr std::size_t kMaxValueBytes = 4096;
};

/// One property and the line that set it.
struct FileProperty {
    std::string key;
    std::string value;
    int line = 0;
};

/// A parsed properties file; empty `path` when KAFKA_PROPERTIES_FILE is unset.
struct PropertiesFile {
    std::string path;
    std::vector<FileProperty> properties;

    /// "path:line" of `property`, for messages.
    std::string where(const FileProperty& property) const;
    /// The property with `key`, or nullptr.
    const FileProperty* find(std::string_view key) const;
    /// The first property whose value is a secret, or nullptr.
    const FileProperty* first_secret() const;
};

/// Whether `key`'s value is a credential that must never be shown (sasl.password,
/// ssl.key.password, ssl.keystore.password, ssl.key.pem, sasl.oauthbearer.*, ...).
bool is_secret_property(std::string_view key);

/**
 * Parses the text of a properties file read from `path`. Errors: common::ConfigError naming
 * KAFKA_PROPERTIES_FILE and `path:line`, never a value: a line without `=`, a bad key, an
 * empty, too long or continued value, a control byte, a key set twice, a key orderflow sets
 * itself (group.id ...) or one that loads code or runs a command, too many properties or bytes.
 */
PropertiesFile parse_properties(std::string_view text, const std::string& path);

/**
 * Reads and parses `path`. Errors: ConfigError naming KAFKA_PROPERTIES_FILE when it is missing,
 * unreadable, larger than the limit, malformed, or holds a secret and group or others may
 * access it (mode & 077).
 */
PropertiesFile load_properties_file(const std::string& path);

}  // namespace orderflow::kafka
