#pragma once

// Nesting limits for every JSON text the registry reads (request bodies, schema texts,
// `_schemas` records). nlohmann-json parses without recursion, but dumping, copying and
// walking a value recurse, so depth is checked on the raw bytes before anything is built.

#include "avro_schema/avro_schema.h"

#include <stdexcept>
#include <string>
#include <string_view>

namespace orderflow::registry {

/// Request bodies and `_schemas` keys/values: their shapes need 3 levels, this leaves room for
/// Confluent's metadata and rule sets.
constexpr int kMaxRequestJsonDepth = 64;
/// Schema texts (AVRO and JSON): the Avro library's own bound, so both types agree.
constexpr int kMaxSchemaJsonDepth = avro::kMaxSchemaJsonDepth;

/// A JSON text nested deeper than its limit.
class JsonTooDeep : public std::runtime_error {
public:
    explicit JsonTooDeep(int limit);
};

/**
 * Scans `text` once, without recursion, skipping strings and their escapes. Malformed text is
 * not this function's business: the parser reports it. Errors: JsonTooDeep when arrays and
 * objects nest deeper than `max_depth`.
 */
void check_json_depth(std::string_view text, int max_depth);

/**
 * `Json::parse(text)` once the nesting is within `max_depth`.
 * Errors: JsonTooDeep, nlohmann's parse_error.
 */
template <class Json>
Json parse_json(std::string_view text, int max_depth) {
    check_json_depth(text, max_depth);
    return Json::parse(text);
}

}  // namespace orderflow::registry
