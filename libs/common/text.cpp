#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace orderflow::common {
namespace {

template <class Convert>
std::string transformed(std::string_view text, Convert convert) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [&](unsigned char c) { return static_cast<char>(convert(c)); });
    return out;
}

}  // namespace

std::string_view trim(std::string_view text, std::string_view chars) {
    const auto first = text.find_first_not_of(chars);
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(chars);
    return text.substr(first, last - first + 1);
}

std::string lower(std::string_view text) {
    return transformed(text, [](unsigned char c) { return std::tolower(c); });
}

std::string upper(std::string_view text) {
    return transformed(text, [](unsigned char c) { return std::toupper(c); });
}

}  // namespace orderflow::common
