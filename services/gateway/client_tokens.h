#pragma once

// GATEWAY_CLIENTS_FILE: the clients that may place and read orders, each with a token of its
// own. One line per client, `name: sha256` (the hex SHA-256 of its token); `#` starts a comment.
// The file holds no token, only hashes of random ones, so reading it lets no one in. A request
// names its client with `Authorization: Bearer <token>`.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace orderflow::gateway {

/// Limits of the file and of a token: more is a setting error or a 401, never a larger table.
inline constexpr std::size_t kMaxClientsFileBytes = 1 << 20;
inline constexpr std::size_t kMaxClients = 10000;
inline constexpr std::size_t kMaxClientNameBytes = 64;
inline constexpr std::size_t kMaxTokenBytes = 512;

class ClientTokens {
public:
    /**
     * The file's text. Errors: common::ConfigError naming `setting` and the line: a name not of
     * 1-64 [A-Za-z0-9._-], a hash not of 64 lower-case hex digits, a name or hash listed twice,
     * more than kMaxClients clients, or none at all.
     */
    static ClientTokens parse(const std::string& setting, std::string_view text);

    /// Reads and parses the file `path` (at most kMaxClientsFileBytes). Errors: ConfigError.
    static ClientTokens load(const std::string& setting, const std::string& path);

    /// The client an `Authorization` header value names; nullopt when it is absent, not
    /// `Bearer`, longer than kMaxTokenBytes, or a token no line holds.
    std::optional<std::string> authenticate(std::string_view authorization) const;

    std::size_t clients() const { return by_hash_.size(); }

private:
    // Looked up by the hash of the given token: the time a lookup takes depends on that hash,
    // which tells nothing about a token that would match.
    std::map<std::string, std::string, std::less<>> by_hash_;
};

/// Whether `name` may name a client: 1-64 of [A-Za-z0-9._-].
bool is_client_name(std::string_view name);

}  // namespace orderflow::gateway
