#include "gateway/client_tokens.h"

#include "common/config_error.h"
#include "common/private_file.h"
#include "common/text.h"
#include "gateway/sha256.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace orderflow::gateway {

bool is_client_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxClientNameBytes) {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

ClientTokens ClientTokens::parse(const std::string& setting, std::string_view text) {
    ClientTokens tokens;
    std::set<std::string, std::less<>> names;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const auto newline = text.find('\n');
        const auto line = common::trim(text.substr(0, newline));
        text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto where = "line " + std::to_string(number) + ": ";
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            throw common::ConfigError(setting, where + "expected 'client: sha256 of its token'");
        }
        const auto name = common::trim(line.substr(0, colon));
        const auto hash = common::trim(line.substr(colon + 1));
        if (!is_client_name(name)) {
            throw common::ConfigError(setting, where + "a client name is 1-" +
                                                   std::to_string(kMaxClientNameBytes) +
                                                   " of A-Z a-z 0-9 . _ -");
        }
        if (!is_sha256_hex(hash)) {
            throw common::ConfigError(
                setting, where + "the token's hash must be 64 lower-case hex digits (its SHA-256)");
        }
        if (!names.emplace(name).second) {
            throw common::ConfigError(setting,
                                      where + "client '" + std::string(name) + "' is listed twice");
        }
        if (!tokens.by_hash_.emplace(std::string(hash), std::string(name)).second) {
            throw common::ConfigError(setting, where + "two clients share one token");
        }
        if (tokens.by_hash_.size() > kMaxClients) {
            throw common::ConfigError(setting,
                                      "more than " + std::to_string(kMaxClients) + " clients");
        }
    }
    if (tokens.by_hash_.empty()) {
        throw common::ConfigError(setting, "no client in the file");
    }
    return tokens;
}

ClientTokens ClientTokens::load(const std::string& setting, const std::string& path) {
    return parse(setting, common::read_settings_file(setting, path, kMaxClientsFileBytes).text);
}

std::optional<std::string> ClientTokens::authenticate(std::string_view authorization) const {
    // The scheme's name is case-insensitive (RFC 7235 section 2.1): "bearer" and "BEARER" too.
    constexpr std::string_view scheme = "bearer ";
    if (authorization.size() <= scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), authorization.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        })) {
        return std::nullopt;
    }
    const auto token = common::trim(authorization.substr(scheme.size()));
    if (token.empty() || token.size() > kMaxTokenBytes) {
        return std::nullopt;
    }
    const auto client = by_hash_.find(sha256_hex(token));
    if (client == by_hash_.end()) {
        return std::nullopt;
    }
    return client->second;
}

}  // namespace orderflow::gateway
