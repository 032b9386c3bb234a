#pragma once

// The small text helpers every parser of outside input needs, written once.

#include <string>
#include <string_view>

namespace orderflow::common {

/// Space, tab, CR and LF: what most of our inputs call white space.
inline constexpr std::string_view kWhitespace = " \t\r\n";

/// `text` without leading and trailing characters from `chars`. The result views `text`: keep
/// what it views alive (copy it into a std::string when `text` is a temporary).
std::string_view trim(std::string_view text, std::string_view chars = kWhitespace);

/// `text` with ASCII letters lower-cased; other bytes (UTF-8 included) unchanged.
std::string lower(std::string_view text);

/// `text` with ASCII letters upper-cased; other bytes unchanged.
std::string upper(std::string_view text);

}  // namespace orderflow::common
