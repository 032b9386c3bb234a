#pragma once

// CONSOLE_TOKEN: when set, every request must carry it, as `Authorization: Bearer <token>`,
// as the cookie orderflow_console_token, or as ?token=<token> (which sets that cookie,
// HttpOnly and SameSite=Strict, so the pages' own requests carry it from then on).

#include "http/message.h"

#include <optional>
#include <string>

namespace orderflow::console {

inline constexpr const char* kTokenCookie = "orderflow_console_token";

class AccessGuard {
public:
    explicit AccessGuard(std::optional<std::string> token) : token_(std::move(token)) {}

    bool token_configured() const { return token_.has_value(); }

    enum class Verdict { kAllowed, kAllowedSetCookie, kRefused };
    /// Pure: whether `request` may be answered.
    Verdict check(const http::Request& request) const;
    /// True when it may; otherwise fills `response` with 401 and returns false. Sets the
    /// cookie on `response` when the token came as ?token=.
    bool admit(const http::Request& request, http::Response& response) const;

private:
    bool matches(std::string_view presented) const;
    std::optional<std::string> token_;
};

/// The value of cookie `name` in a Cookie header, nullopt when absent.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

}  // namespace orderflow::console
