#include "http/router.h"

#include <algorithm>

namespace orderflow::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Raw segments of the path part of a target, without a trailing empty one.
std::vector<std::string_view> raw_segments(std::string_view target) {
    auto path = target.substr(0, target.find('?'));
    if (path.size() > 1 && path.back() == '/') {
        path.remove_suffix(1);
    }
    std::vector<std::string_view> segments;
    std::size_t start = path.starts_with('/') ? 1 : 0;
    if (start >= path.size()) {
        return segments;
    }
    segments.reserve(1 +
                     static_cast<std::size_t>(std::count(path.begin() + start, path.end(), '/')));
    while (true) {
        const auto slash = path.find('/', start);
        segments.push_back(path.substr(start, slash - start));
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return segments;
}

bool is_capture(const std::string& pattern) {
    return pattern.size() >= 2 && pattern.front() == '{' && pattern.back() == '}';
}

struct Path {
    std::vector<std::string_view> raw;
    std::vector<std::string> decoded;
};

// Matches `route` against the path; fills `params` when not null.
bool path_matches(const Route& route,
                  const std::vector<bool>& captures,
                  bool rest,
                  const Path& path,
                  std::map<std::string, std::string>* params) {
    const auto& pattern = route.segments;
    const auto fixed = rest ? pattern.size() - 1 : pattern.size();
    const auto size = path.raw.size();
    if (rest ? size < fixed : size != fixed) {
        return false;
    }
    for (std::size_t i = 0; i < fixed; ++i) {
        if (captures[i]) {
            if (params != nullptr) {
                (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = path.decoded[i];
            }
        } else if (pattern[i] != path.decoded[i]) {
            return false;
        }
    }
    if (rest && params != nullptr) {
        std::string tail;
        for (std::size_t i = fixed; i < size; ++i) {
            tail.append(i == fixed ? "" : "/").append(path.raw[i]);
        }
        (*params)["*"] = tail;
    }
    return true;
}

}  // namespace

std::string percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string> split_path(std::string_view raw_target) {
    std::vector<std::string> out;
    for (const auto segment : raw_segments(raw_target)) {
        out.push_back(percent_decode(segment));
    }
    return out;
}

std::size_t body_limit(const Route& route, std::string_view method, std::size_t server_limit) {
    if (route.options.max_body_bytes) {
        return std::min(*route.options.max_body_bytes, server_limit);
    }
    // These methods carry no body in any API served here: a body is a client error or abuse.
    const bool takes_none = method == "GET" || method == "HEAD" || method == "DELETE";
    return takes_none ? 0 : server_limit;
}

Router& Router::add(std::string method,
                    std::string_view pattern,
                    Handler handler,
                    RouteOptions options) {
    Route route{std::move(method), {}, std::move(handler), options};
    Shape shape;
    for (const auto segment : raw_segments(pattern)) {
        route.segments.emplace_back(segment);
        shape.captures.push_back(is_capture(route.segments.back()));
    }
    shape.rest = !route.segments.empty() && route.segments.back() == "*";
    const auto index = routes_.size();
    if (shape.rest) {
        with_rest_.push_back(index);
    } else {
        if (by_size_.size() <= route.segments.size()) {
            by_size_.resize(route.segments.size() + 1);
        }
        by_size_[route.segments.size()].push_back(index);
    }
    routes_.push_back(std::move(route));
    shapes_.push_back(std::move(shape));
    return *this;
}

Router::Match Router::find(Request& request) const {
    Path path{raw_segments(request.target), {}};
    path.decoded.reserve(path.raw.size());
    for (const auto segment : path.raw) {
        path.decoded.push_back(percent_decode(segment));
    }
    static const std::vector<std::size_t> kNone;
    const auto& sized = path.raw.size() < by_size_.size() ? by_size_[path.raw.size()] : kNone;
    Match match;
    // Both lists ascend: merged, the candidates come in the order the routes were added.
    for (std::size_t a = 0, b = 0; a < sized.size() || b < with_rest_.size();) {
        const bool take_sized =
            a < sized.size() && (b == with_rest_.size() || sized[a] < with_rest_[b]);
        const auto r = take_sized ? sized[a++] : with_rest_[b++];
        const auto& route = routes_[r];
        const auto& shape = shapes_[r];
        if (!path_matches(route, shape.captures, shape.rest, path, nullptr)) {
            continue;
        }
        match.path_known = true;
        if (route.method.empty() || route.method == request.method ||
            (request.method == "HEAD" && route.method == "GET")) {
            path_matches(route, shape.captures, shape.rest, path, &request.params);
            match.route = &route;
            return match;
        }
        if (match.allow.find(route.method) == std::string::npos) {
            match.allow += (match.allow.empty() ? "" : ", ") + route.method;
        }
    }
    return match;
}

}  // namespace orderflow::http
