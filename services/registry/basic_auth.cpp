#include "registry/basic_auth.h"

#include "common/config_error.h"
#include "common/text.h"

#include <array>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace orderflow::registry {
namespace {

// The strongest role a comma-separated role list grants; nullopt when it names neither.
std::optional<Role> strongest_role(std::string_view roles) {
    std::optional<Role> role;
    while (!roles.empty()) {
        const auto comma = roles.find(',');
        const auto name = common::trim(roles.substr(0, comma));
        if (name == "writer") {
            role = Role::writer;
        } else if (name == "reader" && !role) {
            role = Role::reader;
        }
        roles = comma == std::string_view::npos ? std::string_view{} : roles.substr(comma + 1);
    }
    return role;
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::array<int, 4> v{};
        int padding = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const char c = text[i + j];
            const bool last_quad = i + 4 == text.size();
            if (c == '=' && last_quad && j >= 2 && (j == 3 || text[i + 3] == '=')) {
                ++padding;
                continue;
            }
            v[j] = base64_value(c);
            if (v[j] < 0 || padding > 0) {
                return std::nullopt;
            }
        }
        const unsigned bits = (static_cast<unsigned>(v[0]) << 18) |
                              (static_cast<unsigned>(v[1]) << 12) |
                              (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
        out += static_cast<char>((bits >> 16) & 0xFF);
        if (padding < 2) {
            out += static_cast<char>((bits >> 8) & 0xFF);
        }
        if (padding < 1) {
            out += static_cast<char>(bits & 0xFF);
        }
    }
    return out;
}

bool constant_time_equals(std::string_view given, std::string_view expected) {
    unsigned diff = given.size() == expected.size() ? 0U : 1U;
    for (std::size_t i = 0; i < given.size(); ++i) {
        const char other = expected.empty() ? '\0' : expected[i % expected.size()];
        diff |= static_cast<unsigned char>(given[i]) ^ static_cast<unsigned char>(other);
    }
    return diff == 0;
}

BasicAuth BasicAuth::parse(const std::string& setting, std::string_view text) {
    BasicAuth auth;
    int number = 0;
    std::istringstream lines{std::string(text)};
    for (std::string raw; std::getline(lines, raw);) {
        ++number;
        const auto line = common::trim(raw);
        if (line.empty() || line.front() == '#' || line.front() == '!') {
            continue;
        }
        const auto where = "line " + std::to_string(number) + ": ";
        const auto colon = line.find(':');
        const auto comma = line.rfind(',');
        if (colon == std::string_view::npos || comma == std::string_view::npos || comma < colon) {
            throw common::ConfigError(setting, where + "expected 'user: password,role'");
        }
        const auto user = common::trim(line.substr(0, colon));
        const auto rest = line.substr(colon + 1);
        const auto password = common::trim(rest.substr(0, rest.find(',')));
        const auto role = strongest_role(rest.substr(rest.find(',') + 1));
        if (user.empty() || password.empty()) {
            throw common::ConfigError(setting, where + "user and password must not be empty");
        }
        if (!role) {
            throw common::ConfigError(setting, where + "roles must include reader or writer");
        }
        if (!auth.users_.emplace(std::string(user), User{std::string(password), *role}).second) {
            throw common::ConfigError(setting,
                                      where + "user '" + std::string(user) + "' is listed twice");
        }
    }
    if (auth.users_.empty()) {
        throw common::ConfigError(setting, "no user in the credentials file");
    }
    return auth;
}

BasicAuth BasicAuth::load(const std::string& setting, const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        throw common::ConfigError(setting, "cannot read '" + path + "': no such file");
    }
    if ((info.st_mode & 077) != 0) {
        throw common::ConfigError(setting, "'" + path +
                                               "' is readable or writable by group or others: "
                                               "chmod 600 it");
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        throw common::ConfigError(setting, "cannot read '" + path + "'");
    }
    return parse(setting, text.str());
}

std::optional<Role> BasicAuth::authenticate(std::string_view authorization) const {
    constexpr std::string_view scheme = "Basic ";
    if (authorization.size() <= scheme.size() || authorization.substr(0, scheme.size()) != scheme) {
        return std::nullopt;
    }
    const auto decoded = decode_base64(common::trim(authorization.substr(scheme.size())));
    if (!decoded) {
        return std::nullopt;
    }
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    const auto user = users_.find(std::string_view(*decoded).substr(0, colon));
    const auto given = std::string_view(*decoded).substr(colon + 1);
    // An unknown user costs the same comparison as a known one.
    const auto& expected =
        user == users_.end() ? users_.begin()->second.password : user->second.password;
    const bool match = constant_time_equals(given, expected);
    if (user == users_.end() || !match) {
        return std::nullopt;
    }
    return user->second.role;
}

}  // namespace orderflow::registry
