#include "console/access_guard.h"

#include "common/text.h"
#include "console/api_reply.h"

namespace orderflow::console {

using common::trim;

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto semicolon = header.find(';');
        const auto pair = trim(header.substr(0, semicolon), " ");
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return std::string(pair.substr(eq + 1));
        }
        if (semicolon == std::string_view::npos) {
            break;
        }
        header.remove_prefix(semicolon + 1);
    }
    return std::nullopt;
}

bool AccessGuard::matches(std::string_view presented) const {
    // Constant time in the token's length: no early exit on the first differing byte.
    const auto& token = *token_;
    unsigned difference = presented.size() == token.size() ? 0U : 1U;
    for (std::size_t i = 0; i < token.size(); ++i) {
        const char c = i < presented.size() ? presented[i] : '\0';
        difference |= static_cast<unsigned>(static_cast<unsigned char>(c) ^
                                            static_cast<unsigned char>(token[i]));
    }
    return difference == 0;
}

AccessGuard::Verdict AccessGuard::check(const http::Request& request) const {
    if (!token_) {
        return Verdict::kAllowed;
    }
    const auto authorization = request.header("Authorization");
    if (authorization.starts_with("Bearer ") &&
        matches(trim(std::string_view(authorization).substr(7), " "))) {
        return Verdict::kAllowed;
    }
    if (const auto cookie = cookie_value(request.header("Cookie"), kTokenCookie);
        cookie && matches(*cookie)) {
        return Verdict::kAllowed;
    }
    const auto params = request.query_params();
    if (const auto it = params.find("token"); it != params.end() && matches(it->second)) {
        return Verdict::kAllowedSetCookie;
    }
    return Verdict::kRefused;
}

bool AccessGuard::admit(const http::Request& request, http::Response& response) const {
    switch (check(request)) {
        case Verdict::kAllowed:
            return true;
        case Verdict::kAllowedSetCookie:
            response.headers.emplace_back("Set-Cookie", std::string(kTokenCookie) + "=" + *token_ +
                                                            "; Path=/; HttpOnly; SameSite=Strict");
            return true;
        case Verdict::kRefused:
            break;
    }
    reply_error(response, 401, "unauthorized",
                "this console needs its token (CONSOLE_TOKEN): Authorization: Bearer <token>, "
                "or ?token=<token> once");
    response.set_header("WWW-Authenticate", "Bearer");
    return false;
}

}  // namespace orderflow::console
