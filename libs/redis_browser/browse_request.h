#pragma once

// What every view checks before it asks Redis: counts within the cap, cursors and offsets that
// are numbers. A request outside them is the caller's mistake (the console answers 400).

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace orderflow::redis_browser {

/// The most keys, fields, members or items one call returns.
constexpr std::size_t kMaxCount = 1000;

/// A request the views refuse: a count over kMaxCount, a cursor that is not a number, an
/// unknown type, an empty id. The message says which parameter and why.
class BadRequest : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Throws BadRequest unless 1 <= count <= kMaxCount (`name` is the parameter's name).
void check_count(std::size_t count, const std::string& name = "count");
/// Throws BadRequest unless `cursor` is a SCAN cursor (decimal digits, below 2^64).
void check_cursor(const std::string& cursor);
/// Throws BadRequest unless offset >= 0.
void check_offset(std::int64_t offset);
/// Throws BadRequest when `value` is empty.
void check_not_empty(const std::string& value, const std::string& name);

}  // namespace orderflow::redis_browser
