#pragma once

// Files of the front end from a folder, never from outside it: the pages (/static/ from
// CONSOLE_WEB_DIR) and the npm packages (/vendor/ from CONSOLE_VENDOR_DIR).

#include "http/message.h"

#include <optional>
#include <string>
#include <string_view>

namespace orderflow::console {

/// Files larger than this are not served (the front end's files are a few KiB).
inline constexpr std::size_t kMaxStaticFileBytes = 8 * 1024 * 1024;

/**
 * Pure except for the file system. `raw_rest` is the request path after the prefix, still
 * percent-encoded. nullopt (so 404) when a decoded segment is empty, "." or "..", holds a
 * NUL or backslash, or the file, with symlinks resolved, lies outside `root`, or is not a
 * regular file.
 */
std::optional<std::string> resolve_static_path(const std::string& root, std::string_view raw_rest);

/// Content-Type by extension (text/javascript for .js and .mjs, so ES modules load).
std::string content_type_for(std::string_view path);

/// Serves the file, or a 404 JSON error. Sets nosniff and a no-cache revalidation policy.
void serve_file(const std::string& root, std::string_view raw_rest, http::Response& response);

/// Headers every HTML page gets: a Content-Security-Policy that allows only the console's own
/// scripts, styles and connections (no inline script), nosniff, no framing.
void set_page_headers(http::Response& response);

}  // namespace orderflow::console
