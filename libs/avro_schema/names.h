#pragma once

// Avro names: validation ([A-Za-z_][A-Za-z0-9_]*), fullnames and namespace resolution.

#include <string>
#include <string_view>

namespace orderflow::avro {

/// A named type's name split into namespace (empty = none) and simple name.
struct QualifiedName {
    std::string space;
    std::string name;

    std::string full() const { return space.empty() ? name : space + "." + name; }
};

bool is_valid_name(std::string_view name);

/// Throws SchemaParseError unless `name` is a valid simple name; `what` says which kind
/// ("name", "field name", "enum symbol") for the message.
void validate_name(std::string_view name, std::string_view what);

/// Resolves `name` against `space` as Avro does: a dotted name is already full (its namespace
/// wins), otherwise it lives in `space`. Validates every part. Errors: SchemaParseError.
QualifiedName qualify(std::string_view name, std::string_view space);

/// How Avro-Java writes `full_name` inside `current_space`: the simple name when the namespace
/// is the same (or none), else the full name.
std::string relative_name(std::string_view full_name, std::string_view current_space);

}  // namespace orderflow::avro
