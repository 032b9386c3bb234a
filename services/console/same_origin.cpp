#include "console/same_origin.h"

#include "common/config_error.h"
#include "common/text.h"

#include <algorithm>

namespace orderflow::console {
namespace {

using common::lower;
using common::trim;

struct Authority {
    std::string_view host;
    std::string_view port;  ///< "" when none was written
};

/// "host", "host:port", "[v6]" or "[v6]:port"; nullopt when it is none of those.
std::optional<Authority> split_authority(std::string_view text) {
    std::size_t host_end = 0;
    if (text.starts_with('[')) {
        host_end = text.find(']');
        if (host_end == std::string_view::npos) {
            return std::nullopt;
        }
        ++host_end;
    } else {
        host_end = std::min(text.find(':'), text.size());
    }
    Authority authority{text.substr(0, host_end), ""};
    if (host_end < text.size()) {
        if (text[host_end] != ':') {
            return std::nullopt;
        }
        authority.port = text.substr(host_end + 1);
    }
    const bool digits_only = std::all_of(authority.port.begin(), authority.port.end(),
                                         [](char c) { return c >= '0' && c <= '9'; });
    if (authority.host.empty() || !digits_only || authority.port.size() > 5) {
        return std::nullopt;
    }
    return authority;
}

bool is_loopback(std::string_view host) {
    return host == "localhost" || host.starts_with("127.") || host == "::1" || host == "[::1]";
}

bool is_wildcard(std::string_view host) {
    return host == "0.0.0.0" || host == "::" || host == "[::]";
}

bool is_state_changing(std::string_view method) {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace

SameOrigin::SameOrigin(const common::HostPort& listen, std::vector<std::string> allowed)
    : allowed_(std::move(allowed)) {
    const auto port = ":" + std::to_string(listen.port);
    auto host = lower(listen.host);
    if (host.find(':') != std::string::npos && !host.starts_with('[')) {
        host = "[" + host + "]";
    }
    if (!is_wildcard(host)) {
        own_.push_back(host + port);
    }
    // Listening on loopback (or everywhere), the machine's own names for it reach it too.
    if (is_loopback(host) || is_wildcard(host)) {
        for (const auto* name : {"localhost", "127.0.0.1", "[::1]"}) {
            own_.push_back(name + port);
        }
    }
}

bool SameOrigin::authority_allowed(std::string_view host, std::string_view port) const {
    const auto with_port = std::string(host) + ":" + std::string(port);
    const auto named = [&](const std::string& entry) {
        return entry == host || entry == with_port;
    };
    return std::find(own_.begin(), own_.end(), with_port) != own_.end() ||
           std::any_of(allowed_.begin(), allowed_.end(), named);
}

bool SameOrigin::host_allowed(std::string_view host) const {
    const auto text = lower(trim(host));
    const auto authority = split_authority(text);
    return authority &&
           authority_allowed(authority->host, authority->port.empty() ? "80" : authority->port);
}

bool SameOrigin::origin_allowed(std::string_view origin) const {
    const auto text = lower(trim(origin));
    std::string_view rest = text;
    std::string_view default_port;
    if (rest.starts_with("http://")) {
        rest.remove_prefix(7);
        default_port = "80";
    } else if (rest.starts_with("https://")) {
        rest.remove_prefix(8);
        default_port = "443";
    } else {
        return false;  // "null" (sandboxed pages, file:) and other schemes
    }
    const auto authority = split_authority(rest);
    return authority && authority_allowed(authority->host,
                                          authority->port.empty() ? default_port : authority->port);
}

std::optional<Refusal> refuse(const SameOrigin& policy, const http::Request& request) {
    const auto host = request.header("Host");
    if (host.empty()) {
        return Refusal{400, "bad_request", "HTTP/1.1 requests need a Host header"};
    }
    if (!policy.host_allowed(host)) {
        return Refusal{421, "misdirected_request",
                       "this console does not answer to Host '" + host +
                           "' (its CONSOLE_LISTEN address, loopback names, or "
                           "CONSOLE_ALLOWED_HOSTS)"};
    }
    if (!is_state_changing(request.method)) {
        return std::nullopt;
    }
    const auto fetch_site = lower(trim(request.header("Sec-Fetch-Site")));
    if (fetch_site == "cross-site" || fetch_site == "same-site") {
        return Refusal{403, "forbidden", "actions come from the console's own pages only"};
    }
    if (request.has_header("Origin") && !policy.origin_allowed(request.header("Origin"))) {
        return Refusal{403, "forbidden",
                       "actions come from the console's own origin only, not '" +
                           request.header("Origin") + "'"};
    }
    const auto content_type = request.header("Content-Type");
    if (lower(trim(std::string_view(content_type).substr(0, content_type.find(';')))) !=
        "application/json") {
        return Refusal{415, "unsupported_media_type",
                       "actions take a JSON body (application/json)"};
    }
    return std::nullopt;
}

std::vector<std::string> parse_allowed_hosts(const std::string& setting, std::string_view text) {
    std::vector<std::string> hosts;
    while (!trim(text).empty()) {
        const auto comma = std::min(text.find(','), text.size());
        const auto item = lower(trim(text.substr(0, comma)));
        const auto authority = split_authority(item);
        const auto host_ok =
            authority && std::all_of(authority->host.begin(), authority->host.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                       c == ':' || c == '[' || c == ']';
            });
        const auto port_ok = authority && (authority->port.empty() ||
                                           (std::stoul(std::string(authority->port)) >= 1 &&
                                            std::stoul(std::string(authority->port)) <= 65535));
        if (!host_ok || !port_ok) {
            throw common::ConfigError(setting, "'" + item + "' is not host or host:port");
        }
        hosts.push_back(item);
        text.remove_prefix(std::min(comma + 1, text.size()));
    }
    return hosts;
}

}  // namespace orderflow::console
