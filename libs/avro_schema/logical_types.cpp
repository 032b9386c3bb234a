#include "avro_schema/logical_types.h"

#include <cmath>
#include <cstdint>
#include <string_view>

namespace orderflow::avro {
namespace {

std::optional<std::int64_t> int_prop(const SchemaNode& node, std::string_view key) {
    const Json* value = node.prop(key);
    if (value == nullptr || !value->is_number_integer()) {
        return std::nullopt;
    }
    return value->get<std::int64_t>();
}

// Largest decimal precision a fixed of `size` bytes can hold (two's complement).
std::int64_t max_fixed_precision(int size) {
    if (size <= 0) {
        return 0;
    }
    return static_cast<std::int64_t>(std::floor(std::log10(std::pow(2.0, 8.0 * size - 1.0) - 1.0)));
}

bool valid_decimal(const SchemaNode& node) {
    if (node.type != SchemaType::kBytes && node.type != SchemaType::kFixed) {
        return false;
    }
    const auto precision = int_prop(node, "precision");
    if (!precision || *precision <= 0) {
        return false;
    }
    std::int64_t scale = 0;
    if (node.prop("scale") != nullptr) {
        const auto s = int_prop(node, "scale");
        if (!s) {
            return false;
        }
        scale = *s;
    }
    if (scale < 0 || scale > *precision) {
        return false;
    }
    return node.type != SchemaType::kFixed || *precision <= max_fixed_precision(node.fixed_size);
}

}  // namespace

std::optional<std::string> valid_logical_type(const SchemaNode& node) {
    const Json* attribute = node.prop("logicalType");
    if (attribute == nullptr || !attribute->is_string()) {
        return std::nullopt;
    }
    const auto& name = attribute->get_ref<const std::string&>();
    bool valid = false;
    if (name == "decimal") {
        valid = valid_decimal(node);
    } else if (name == "big-decimal") {
        valid = node.type == SchemaType::kBytes;
    } else if (name == "uuid") {
        valid = node.type == SchemaType::kString ||
                (node.type == SchemaType::kFixed && node.fixed_size == 16);
    } else if (name == "date" || name == "time-millis") {
        valid = node.type == SchemaType::kInt;
    } else if (name == "time-micros" || name == "timestamp-millis" || name == "timestamp-micros" ||
               name == "timestamp-nanos" || name == "local-timestamp-millis" ||
               name == "local-timestamp-micros" || name == "local-timestamp-nanos") {
        valid = node.type == SchemaType::kLong;
    } else if (name == "duration") {
        valid = node.type == SchemaType::kFixed && node.fixed_size == 12;
    }
    if (!valid) {
        return std::nullopt;
    }
    return name;
}

}  // namespace orderflow::avro
