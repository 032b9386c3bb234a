#pragma once

// The parsed Avro schema tree behind AvroSchema. Nodes live in an arena owned by the AvroSchema
// state and point at each other with plain const pointers (recursive types form cycles).

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orderflow::avro {

/// JSON values kept from the schema text (defaults, custom properties). Ordered, as Jackson keeps
/// an object's keys in text order and Confluent's canonical text depends on it.
using Json = nlohmann::ordered_json;

enum class SchemaType {
    kNull,
    kBoolean,
    kInt,
    kLong,
    kFloat,
    kDouble,
    kBytes,
    kString,
    kRecord,
    kEnum,
    kArray,
    kMap,
    kUnion,
    kFixed,
};

/// "null", "int", "record", ... as written in schema text.
std::string_view to_string(SchemaType type);
/// The primitive type named `name` ("int"), or nullopt.
std::optional<SchemaType> primitive_type_from_string(std::string_view name);
bool is_primitive(SchemaType type);

/// A field's sort order; canonical text writes it only when not ascending.
enum class FieldOrder { kAscending, kDescending, kIgnore };
std::string_view to_string(FieldOrder order);

/// Custom attributes in text order (includes "logicalType", "precision", ... as Avro keeps them).
using Properties = std::vector<std::pair<std::string, Json>>;

struct SchemaNode;

struct Field {
    std::string name;
    const SchemaNode* type = nullptr;
    std::optional<std::string> doc;
    std::optional<Json> default_value;
    FieldOrder order = FieldOrder::kAscending;
    std::vector<std::string> aliases;  // as written (field aliases are not namespaced)
    Properties props;
    std::size_t position = 0;
};

struct SchemaNode {
    SchemaType type = SchemaType::kNull;

    // Named types (record, enum, fixed).
    std::string name;   // simple name
    std::string space;  // namespace; empty means none
    std::optional<std::string> doc;
    std::vector<std::string> aliases;  // full names
    bool is_error = false;             // a record declared as "error"

    std::vector<Field> fields;                // record
    std::vector<std::string> symbols;         // enum
    std::optional<std::string> enum_default;  // enum
    const SchemaNode* items = nullptr;        // array items, map values
    std::vector<const SchemaNode*> branches;  // union
    int fixed_size = 0;                       // fixed

    Properties props;
    /// Longest chain of nested types from this node down (1 for a primitive), named types used
    /// again counted in full and a recursive use as 1: what a walk over the tree may descend.
    int depth = 1;
    /// The logical type when it is valid for this node ("decimal", "timestamp-millis", ...);
    /// invalid ones are ignored, as Avro does, but stay in `props`.
    std::optional<std::string> logical_type;

    bool is_named() const;
    /// "space.name" for named types, else the type name ("int", "array", "union").
    std::string full_name() const;
    /// The record field called `field_name`, or nullptr.
    const Field* field(std::string_view field_name) const;
    /// The custom property `key`, or nullptr.
    const Json* prop(std::string_view key) const;
};

}  // namespace orderflow::avro
