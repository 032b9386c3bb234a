#include "avro_schema/default_value.h"

#include <cstdint>
#include <limits>

namespace orderflow::avro {
namespace {

// Record defaults may fall back to field defaults of the same recursive type; bound the walk.
constexpr int kMaxDepth = 64;

bool fits_long(const Json& value) {
    if (value.is_number_unsigned()) {
        return value.get<std::uint64_t>() <=
               static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    }
    return true;
}

bool valid(const SchemaNode& type, const Json* value, int depth) {
    if (value == nullptr || depth > kMaxDepth) {
        return false;
    }
    switch (type.type) {
        case SchemaType::kString:
        case SchemaType::kBytes:
        case SchemaType::kEnum:
        case SchemaType::kFixed:
            return value->is_string();
        case SchemaType::kInt:
            return is_java_int(*value);
        case SchemaType::kLong:
            return value->is_number_integer() && fits_long(*value);
        case SchemaType::kFloat:
        case SchemaType::kDouble:
            return value->is_number();
        case SchemaType::kBoolean:
            return value->is_boolean();
        case SchemaType::kNull:
            return value->is_null();
        case SchemaType::kArray:
            if (!value->is_array()) {
                return false;
            }
            for (const auto& element : *value) {
                if (!valid(*type.items, &element, depth + 1)) {
                    return false;
                }
            }
            return true;
        case SchemaType::kMap:
            if (!value->is_object()) {
                return false;
            }
            for (const auto& [key, member] : value->items()) {
                if (!valid(*type.items, &member, depth + 1)) {
                    return false;
                }
            }
            return true;
        case SchemaType::kUnion:
            return !type.branches.empty() && valid(*type.branches.front(), value, depth + 1);
        case SchemaType::kRecord:
            if (!value->is_object()) {
                return false;
            }
            for (const auto& field : type.fields) {
                const auto member = value->find(field.name);
                const Json* field_value = member != value->end() ? &*member
                                          : field.default_value  ? &*field.default_value
                                                                 : nullptr;
                if (!valid(*field.type, field_value, depth + 1)) {
                    return false;
                }
            }
            return true;
    }
    return false;
}

}  // namespace

bool is_java_int(const Json& value) {
    if (!value.is_number_integer()) {
        return false;
    }
    if (value.is_number_unsigned()) {
        return value.get<std::uint64_t>() <=
               static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());
    }
    const auto v = value.get<std::int64_t>();
    return v >= std::numeric_limits<std::int32_t>::min() &&
           v <= std::numeric_limits<std::int32_t>::max();
}

bool is_valid_default(const SchemaNode& type, const Json* value) {
    return valid(type, value, 0);
}

}  // namespace orderflow::avro
