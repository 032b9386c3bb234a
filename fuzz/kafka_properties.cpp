// KAFKA_PROPERTIES_FILE: the parser of a librdkafka properties file, then its properties applied
// to a real librdkafka configuration as every orderflow client applies them. A refusal is a
// ConfigError; anything else escaping, a parsed property outside the limits, or a secret value
// in a message, is a bug.

#include "common/config_error.h"
#include "common/text.h"
#include "kafka/client_config.h"
#include "kafka/properties_file.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace kafka = orderflow::kafka;
using Limits = kafka::PropertiesLimits;

// The bytes a message is made of: the path, line numbers, property names and our words. A secret
// value with a byte outside them cannot appear in a message by chance.
bool message_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view(" ._-:'(),\"=/\\*").find(c) != std::string_view::npos;
}

// Values of secret keys in the input, as a naive reader sees them, that are no part of a
// non-secret value (librdkafka may quote a refused one) and could not be in a message by chance.
std::vector<std::string> secret_values(std::string_view text) {
    std::vector<std::string> secrets;
    std::set<std::string> plain;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        const auto line = text.substr(0, newline);
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        const auto equals = line.find('=');
        if (equals == std::string_view::npos) {
            continue;
        }
        const auto key = orderflow::common::trim(line.substr(0, equals), " \t\r");
        const auto value = std::string(orderflow::common::trim(line.substr(equals + 1), " \t\r"));
        if (!kafka::is_secret_property(key)) {
            plain.insert(value);
        } else if (value.size() >= 6 && !std::all_of(value.begin(), value.end(), message_byte)) {
            secrets.push_back(value);
        }
    }
    std::erase_if(secrets, [&plain](const std::string& secret) {
        return std::any_of(plain.begin(), plain.end(), [&secret](const std::string& value) {
            return value.find(secret) != std::string::npos;
        });
    });
    return secrets;
}

void check_message(const std::string& message, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (message.find(secret) != std::string::npos) {
            std::abort();
        }
    }
}

bool key_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

void check_parsed(const kafka::PropertiesFile& file) {
    if (file.properties.size() > Limits::kMaxProperties) {
        std::abort();
    }
    std::set<std::string> keys;
    for (const auto& p : file.properties) {
        const bool key_ok = !p.key.empty() && p.key.size() <= Limits::kMaxKeyBytes &&
                            std::all_of(p.key.begin(), p.key.end(), key_byte);
        const bool value_ok =
            !p.value.empty() && p.value.size() <= Limits::kMaxValueBytes &&
            std::none_of(
                p.value.begin(), p.value.end(),
                [](char c) { return static_cast<unsigned char>(c) < 0x20 && c != '\t'; }) &&
            p.value.front() != ' ' && p.value.back() != ' ' && p.value.back() != '\\';
        if (!key_ok || !value_ok || !keys.insert(p.key).second || p.key == "group.id") {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto secrets = secret_values(text);
    kafka::ClientSettings settings;
    try {
        settings.properties = kafka::parse_properties(text, "fuzz.properties");
    } catch (const orderflow::common::ConfigError& e) {
        check_message(e.what(), secrets);
        return 0;
    }
    check_parsed(settings.properties);
    try {
        kafka::make_conf(settings);
    } catch (const orderflow::common::ConfigError& e) {
        check_message(e.what(), secrets);
    }
    return 0;
}
