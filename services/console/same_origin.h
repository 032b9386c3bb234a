#pragma once

// Who may talk to the console through a browser. A DNS-rebinding page reaches 127.0.0.1 under a
// name of its own, so every request must name the console itself in Host; a page on another
// origin (another loopback port included) may send requests but not act, so actions need a JSON
// body and, when the browser says where the request comes from, the console's own origin.

#include "common/settings.h"
#include "http/message.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::console {

class SameOrigin {
public:
    /// `listen`: the console's own address. `allowed`: CONSOLE_ALLOWED_HOSTS entries, "host"
    /// (any port) or "host:port", lower-case.
    SameOrigin(const common::HostPort& listen, std::vector<std::string> allowed);

    /// Whether a Host header value (host[:port]) names this console.
    bool host_allowed(std::string_view host) const;
    /// Whether an Origin header value (scheme://host[:port]) is one of this console's origins.
    bool origin_allowed(std::string_view origin) const;

private:
    bool authority_allowed(std::string_view host, std::string_view port) const;
    std::vector<std::string> own_;      ///< "host:port"
    std::vector<std::string> allowed_;  ///< "host" or "host:port"
};

/// Why a request is refused before its route runs.
struct Refusal {
    int status;
    std::string code;
    std::string message;
};

/// Pure: nullopt when `request` may go on to the token check and its route. Every request needs
/// an allowed Host (400 without one, 421 for another name); a state-changing method also needs
/// a JSON Content-Type (415), an allowed Origin when one is sent and no cross-site
/// Sec-Fetch-Site (403).
std::optional<Refusal> refuse(const SameOrigin& policy, const http::Request& request);

/// CONSOLE_ALLOWED_HOSTS: comma-separated host[:port], may be empty. Errors: ConfigError
/// naming `setting`.
std::vector<std::string> parse_allowed_hosts(const std::string& setting, std::string_view text);

}  // namespace orderflow::console
