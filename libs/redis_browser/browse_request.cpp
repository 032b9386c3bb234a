#include "redis_browser/browse_request.h"

#include <algorithm>
#include <cctype>

namespace orderflow::redis_browser {

void check_count(std::size_t count, const std::string& name) {
    if (count < 1 || count > kMaxCount) {
        throw BadRequest(name + " must be between 1 and " + std::to_string(kMaxCount) + ", not " +
                         std::to_string(count));
    }
}

void check_cursor(const std::string& cursor) {
    const bool digits = !cursor.empty() && std::all_of(cursor.begin(), cursor.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    // 2^64 - 1 has 20 digits; a longer (or larger) one cannot be a cursor Redis gave out.
    if (!digits || cursor.size() > 20 || (cursor.size() == 20 && cursor > "18446744073709551615")) {
        throw BadRequest("cursor must be a number Redis returned, not \"" + cursor.substr(0, 40) +
                         "\"");
    }
}

void check_offset(std::int64_t offset) {
    if (offset < 0) {
        throw BadRequest("offset must be 0 or more, not " + std::to_string(offset));
    }
}

void check_not_empty(const std::string& value, const std::string& name) {
    if (value.empty()) {
        throw BadRequest(name + " must not be empty");
    }
}

}  // namespace orderflow::redis_browser
