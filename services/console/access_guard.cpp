#include "console/access_guard.h"

#include "common/text.h"
#include "console/api_reply.h"

#include <algorithm>

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

std::string without_token(std::string_view target) {
    const auto mark = std::min(target.find('?'), target.size());
    const auto path = target.substr(0, mark);
    // A Location on this console only: "//host" would name another one.
    std::string kept = path.starts_with('/') && !path.starts_with("//") ? std::string(path) : "/";
    auto query = target.substr(std::min(mark + 1, target.size()));
    bool first = true;
    while (!query.empty()) {
        const auto amp = std::min(query.find('&'), query.size());
        const auto item = query.substr(0, amp);
        if (!item.empty() && item.substr(0, item.find('=')) != "token") {
            kept.push_back(first ? '?' : '&');
            kept.append(item.data(), item.size());
            first = false;
        }
        query.remove_prefix(std::min(amp + 1, query.size()));
    }
    return kept;
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
    // Only a page load may bring the token in the URL, and only to trade it for the cookie.
    if (request.method != "GET" && request.method != "HEAD") {
        return Verdict::kRefused;
    }
    const auto params = request.query_params();
    if (const auto it = params.find("token"); it != params.end() && matches(it->second)) {
        return Verdict::kRedirectSetCookie;
    }
    return Verdict::kRefused;
}

bool AccessGuard::admit(const http::Request& request, http::Response& response) const {
    switch (check(request)) {
        case Verdict::kAllowed:
            return true;
        case Verdict::kRedirectSetCookie:
            response.status = 303;
            response.headers.emplace_back("Set-Cookie", std::string(kTokenCookie) + "=" + *token_ +
                                                            "; Path=/; HttpOnly; SameSite=Strict");
            response.set_header("Location", without_token(request.target));
            response.set_header("Cache-Control", "no-store");
            return false;
        case Verdict::kRefused:
            break;
    }
    reply_error(response, 401, "unauthorized",
                "this console needs its token (CONSOLE_TOKEN): Authorization: Bearer <token>, "
                "or open a page once with ?token=<token>");
    response.set_header("WWW-Authenticate", "Bearer");
    return false;
}

}  // namespace orderflow::console
