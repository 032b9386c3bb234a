#pragma once

// CONSOLE_TOKEN: when set, every request must carry it, as `Authorization: Bearer <token>` or
// as the cookie orderflow_console_token. A page opened once with ?token=<token> is answered with
// that cookie (HttpOnly, SameSite=Strict) and a redirect to the same URL without the token, so
// the token does not stay in the address bar, the history or a Referer.

#include "http/message.h"

#include <optional>
#include <string>

namespace orderflow::console {

inline constexpr const char* kTokenCookie = "orderflow_console_token";

class AccessGuard {
public:
    explicit AccessGuard(std::optional<std::string> token) : token_(std::move(token)) {}

    bool token_configured() const { return token_.has_value(); }

    enum class Verdict { kAllowed, kRedirectSetCookie, kRefused };
    /// Pure: whether `request` may be answered.
    Verdict check(const http::Request& request) const;
    /// True when it may; otherwise fills `response` (401, or for a GET with ?token= the cookie
    /// and a 303 to the target without the token) and returns false.
    bool admit(const http::Request& request, http::Response& response) const;

private:
    bool matches(std::string_view presented) const;
    std::optional<std::string> token_;
};

/// The value of cookie `name` in a Cookie header, nullopt when absent.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

/// `target` without its `token` query parameters ("/a?token=x&b=1" -> "/a?b=1").
std::string without_token(std::string_view target);

}  // namespace orderflow::console
