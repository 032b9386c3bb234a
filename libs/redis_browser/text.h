#pragma once

// Redis values are bytes; JSON strings are UTF-8. Valid text passes unchanged (so markup such as
// `<img src=x onerror=alert(1)>` stays those characters); bytes that are not UTF-8 become U+FFFD,
// so serialising a view never throws.

#include <string>

namespace orderflow::redis_browser {

std::string as_utf8(const std::string& bytes);

}  // namespace orderflow::redis_browser
