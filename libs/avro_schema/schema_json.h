#pragma once

// Reading schema JSON as Avro-Java's Schema.Parser reads it through Jackson: the text with its
// nesting bounded, members that are strings or absent, alias lists, and values quoted back in
// error messages.

#include "avro_schema/schema_node.h"

#include <string>
#include <string_view>
#include <vector>

namespace orderflow::avro {

/// Parses schema text; errors (empty, not JSON, nested deeper than kMaxSchemaJsonDepth) are
/// SchemaParseError.
Json parse_json(std::string_view text);

/// `json` written compactly, as error messages quote it.
std::string to_text(const Json& json);

/// The member `key` when it is a string (Jackson's textValue()), else nullptr.
const std::string* optional_text(const Json& object, std::string_view key);

/// The member `key` as a string; else SchemaParseError "<error>: <object>".
const std::string& required_text(const Json& object, std::string_view key, std::string_view error);

/// The member `key` of an object, else nullptr.
const Json* member(const Json& object, std::string_view key);

/// The "aliases" array's strings, without repeats; SchemaParseError when it is not one.
std::vector<std::string> parse_aliases(const Json& object);

}  // namespace orderflow::avro
