#include "avro_schema/schema_node.h"

#include <array>

namespace orderflow::avro {
namespace {

constexpr std::array<std::pair<std::string_view, SchemaType>, 8> kPrimitives{{
    {"null", SchemaType::kNull},
    {"boolean", SchemaType::kBoolean},
    {"int", SchemaType::kInt},
    {"long", SchemaType::kLong},
    {"float", SchemaType::kFloat},
    {"double", SchemaType::kDouble},
    {"bytes", SchemaType::kBytes},
    {"string", SchemaType::kString},
}};

}  // namespace

std::string_view to_string(SchemaType type) {
    switch (type) {
        case SchemaType::kNull:
            return "null";
        case SchemaType::kBoolean:
            return "boolean";
        case SchemaType::kInt:
            return "int";
        case SchemaType::kLong:
            return "long";
        case SchemaType::kFloat:
            return "float";
        case SchemaType::kDouble:
            return "double";
        case SchemaType::kBytes:
            return "bytes";
        case SchemaType::kString:
            return "string";
        case SchemaType::kRecord:
            return "record";
        case SchemaType::kEnum:
            return "enum";
        case SchemaType::kArray:
            return "array";
        case SchemaType::kMap:
            return "map";
        case SchemaType::kUnion:
            return "union";
        case SchemaType::kFixed:
            return "fixed";
    }
    return "unknown";
}

std::optional<SchemaType> primitive_type_from_string(std::string_view name) {
    for (const auto& [text, type] : kPrimitives) {
        if (text == name) {
            return type;
        }
    }
    return std::nullopt;
}

bool is_primitive(SchemaType type) {
    return primitive_type_from_string(to_string(type)).has_value();
}

std::string_view to_string(FieldOrder order) {
    switch (order) {
        case FieldOrder::kAscending:
            return "ascending";
        case FieldOrder::kDescending:
            return "descending";
        case FieldOrder::kIgnore:
            return "ignore";
    }
    return "ascending";
}

bool SchemaNode::is_named() const {
    return type == SchemaType::kRecord || type == SchemaType::kEnum || type == SchemaType::kFixed;
}

std::string SchemaNode::full_name() const {
    if (!is_named()) {
        return std::string(to_string(type));
    }
    return space.empty() ? name : space + "." + name;
}

const Field* SchemaNode::field(std::string_view field_name) const {
    for (const auto& f : fields) {
        if (f.name == field_name) {
            return &f;
        }
    }
    return nullptr;
}

const Json* SchemaNode::prop(std::string_view key) const {
    for (const auto& [k, v] : props) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

}  // namespace orderflow::avro
