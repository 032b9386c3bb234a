#include "redis/acl_denial.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace orderflow::redis {
namespace {

constexpr std::size_t kMaxNamedBytes = 200;  // a key in a log line, not a whole blob

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string shortened(std::string_view text) {
    return text.size() <= kMaxNamedBytes ? std::string(text)
                                         : std::string(text.substr(0, kMaxNamedBytes)) + "...";
}

bool is_container(const std::string& name) {
    static constexpr std::array<std::string_view, 10> kContainers = {
        "ACL",      "CLIENT", "CLUSTER", "COMMAND", "CONFIG",
        "FUNCTION", "MEMORY", "OBJECT",  "SCRIPT",  "XINFO"};
    return std::find(kContainers.begin(), kContainers.end(), name) != kContainers.end();
}

constexpr std::size_t kMaxNamedKeys = 5;  // a call of 250 orders names 752 keys

std::string eval_keys(const Command& command) {
    std::size_t count = 0;
    if (command.size() > 2) {
        const auto& text = command[2];
        std::from_chars(text.data(), text.data() + text.size(), count);
    }
    count = std::min(count, command.size() - std::min<std::size_t>(command.size(), 3));
    std::string out;
    for (std::size_t i = 3; i < 3 + std::min(count, kMaxNamedKeys); ++i) {
        out += (out.empty() ? " with keys " : ", ") + shortened(command[i]);
    }
    if (count > kMaxNamedKeys) {
        out += " and " + std::to_string(count - kMaxNamedKeys) + " more";
    }
    return out;
}

}  // namespace

bool is_acl_denial(std::string_view error) {
    return error.starts_with("NOPERM") || error.starts_with("NOAUTH") ||
           error.starts_with("WRONGPASS") ||
           error.find("The user executing the script can't") != std::string_view::npos;
}

std::string describe_command(const Command& command) {
    if (command.empty()) {
        return "";
    }
    const auto name = upper(command[0]);
    if (name == "AUTH" || name == "HELLO" || command.size() == 1) {
        return name;
    }
    if (name == "EVAL" || name == "EVALSHA" || name == "EVALSHA_RO" || name == "EVAL_RO" ||
        name == "FCALL" || name == "FCALL_RO") {
        return name + eval_keys(command);
    }
    if (is_container(name)) {
        return name + " " + upper(shortened(command[1]));
    }
    return name + " " + shortened(command[1]);
}

std::optional<std::string> script_line(std::string_view error, std::string_view source) {
    // EVAL names "@user_script:N", a function "@user_function:N" (its library's lines).
    std::string_view marker = "@user_script:";
    auto at = error.find(marker);
    if (at == std::string_view::npos) {
        marker = "@user_function:";
        at = error.find(marker);
    }
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const auto digits = error.substr(at + marker.size());
    std::size_t line = 0;
    const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), line);
    if (parsed.ec != std::errc() || line == 0) {
        return std::nullopt;
    }
    std::size_t begin = 0;
    for (std::size_t n = 1; n < line; ++n) {
        begin = source.find('\n', begin);
        if (begin == std::string_view::npos) {
            return std::nullopt;
        }
        ++begin;
    }
    auto text = source.substr(begin, source.find('\n', begin) - begin);
    const auto first = text.find_first_not_of(' ');
    text.remove_prefix(first == std::string_view::npos ? text.size() : first);
    return "line " + std::to_string(line) + ": " + shortened(text);
}

void throw_reply_error(const Client& connection,
                       const std::string& what,
                       const Command& command,
                       const Reply& reply) {
    const std::string where = "redis " + connection.address() + ": ";
    if (is_acl_denial(reply.str)) {
        throw AclDenied(where + what + " was refused to user \"" + connection.user() +
                        "\" by Redis's ACL (" + describe_command(command) + "): " + reply.str);
    }
    throw RedisError(where + what + " failed: " + reply.str);
}

}  // namespace orderflow::redis
