#pragma once

// JSON output byte-compatible with Jackson's defaults, which is what Avro-Java (and therefore
// Confluent's canonical schema text) writes: compact, keys in stored order, non-ASCII raw,
// control characters as \u00XX (upper-case hex), doubles as Java's Double.toString.

#include "avro_schema/schema_node.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orderflow::avro {

/// Appends `text` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view text);
/// Appends `value` compactly.
void append_json(std::string& out, const Json& value);
/// Appends `open`, the items written by `write_item` separated by commas, then `close`.
template <typename Range, typename WriteItem>
void append_list(std::string& out,
                 const Range& items,
                 WriteItem&& write_item,
                 char open = '[',
                 char close = ']') {
    out.push_back(open);
    bool first = true;
    for (const auto& item : items) {
        if (!first) {
            out.push_back(',');
        }
        first = false;
        write_item(item);
    }
    out.push_back(close);
}

/// Appends `"key":`.
void append_key(std::string& out, std::string_view key);
/// The members of a JSON object, sorted by key.
std::vector<std::pair<std::string, const Json*>> sorted_members(const Json& object);

/// Java's Double.toString: "1.0", "0.001", "1.0E7", "1.0E-4", "NaN", "Infinity".
std::string java_double_to_string(double value);
/// Java's Float.toString (shortest digits of the float, same layout as doubles).
std::string java_float_to_string(float value);

}  // namespace orderflow::avro
