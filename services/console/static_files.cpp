#include "console/static_files.h"

#include "console/api_reply.h"
#include "http/router.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

namespace orderflow::console {
namespace fs = std::filesystem;

std::optional<std::string> resolve_static_path(const std::string& root, std::string_view raw_rest) {
    fs::path relative;
    std::size_t start = 0;
    while (start <= raw_rest.size()) {
        const auto slash = raw_rest.find('/', start);
        const auto raw = raw_rest.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        const auto segment = http::percent_decode(raw);
        if (segment.empty() || segment == "." || segment == ".." ||
            segment.find('\0') != std::string::npos || segment.find('\\') != std::string::npos ||
            segment.find('/') != std::string::npos) {
            return std::nullopt;
        }
        relative /= segment;
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    std::error_code error;
    const auto base = fs::canonical(root, error);
    if (error) {
        return std::nullopt;
    }
    const auto full = fs::canonical(base / relative, error);
    if (error || !fs::is_regular_file(full, error)) {
        return std::nullopt;
    }
    // A symlink inside the folder must not lead out of it.
    const auto [root_end, unused] =
        std::mismatch(base.begin(), base.end(), full.begin(), full.end());
    if (root_end != base.end()) {
        return std::nullopt;
    }
    return full.string();
}

std::string content_type_for(std::string_view path) {
    static const std::map<std::string, std::string, std::less<>> types = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".map", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"}};
    const auto dot = path.rfind('.');
    if (dot != std::string_view::npos) {
        if (const auto it = types.find(path.substr(dot)); it != types.end()) {
            return it->second;
        }
    }
    return "application/octet-stream";
}

void serve_file(const std::string& root, std::string_view raw_rest, http::Response& response) {
    const auto path = resolve_static_path(root, raw_rest);
    std::error_code error;
    if (!path || fs::file_size(*path, error) > kMaxStaticFileBytes || error) {
        reply_error(response, 404, "not_found", "no such file");
        return;
    }
    std::ifstream in(*path, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
        reply_error(response, 404, "not_found", "cannot read the file");
        return;
    }
    response.set_body(std::move(content), content_type_for(*path));
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("Cache-Control", "no-cache");
}

void set_page_headers(http::Response& response) {
    response.set_header("Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                        "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                        "base-uri 'none'; frame-ancestors 'none'");
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Referrer-Policy", "no-referrer");
    response.set_header("Cache-Control", "no-cache");
}

}  // namespace orderflow::console
