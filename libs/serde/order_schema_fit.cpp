#include "serde/order_schema_fit.h"

#include <functional>

namespace orderflow::serde {
namespace {

using Fits = std::function<bool(avro_schema_t)>;

avro_schema_t follow_links(avro_schema_t schema) {
    while (schema != nullptr && avro_typeof(schema) == AVRO_LINK) {
        schema = avro_schema_link_target(schema);
    }
    return schema;
}

// The schema itself fits, or (a union) one of its branches does.
bool fits(avro_schema_t schema, const Fits& wanted) {
    schema = follow_links(schema);
    if (schema == nullptr) {
        return false;
    }
    if (avro_typeof(schema) != AVRO_UNION) {
        return wanted(schema);
    }
    const auto branches = avro_schema_union_size(schema);
    for (std::size_t i = 0; i < branches; ++i) {
        if (fits(avro_schema_union_branch(schema, static_cast<int>(i)), wanted)) {
            return true;
        }
    }
    return false;
}

bool is_text(avro_schema_t s) {
    return avro_typeof(s) == AVRO_STRING || avro_typeof(s) == AVRO_ENUM;
}

bool is_integer(avro_schema_t s) {
    return avro_typeof(s) == AVRO_INT32 || avro_typeof(s) == AVRO_INT64;
}

struct Field {
    const char* name;
    bool required;
    Fits type;
    const char* type_name;
};

std::optional<std::string> mismatch(avro_schema_t record,
                                    const std::initializer_list<Field>& fields,
                                    const std::string& where) {
    for (const auto& field : fields) {
        // By index: Avro C's lookup by name returns an uninitialised pointer for a missing name.
        const int index = avro_schema_record_field_get_index(record, field.name);
        if (index < 0) {
            if (field.required) {
                return where + "has no field '" + field.name + "'";
            }
            continue;
        }
        if (!fits(avro_schema_record_field_get_by_index(record, index), field.type)) {
            return where + "field '" + field.name + "' is not " + field.type_name;
        }
    }
    return std::nullopt;
}

bool is_item_record(avro_schema_t s) {
    return avro_typeof(s) == AVRO_RECORD &&
           !mismatch(s,
                     {{"sku", true, is_text, "a string"},
                      {"name", false, is_text, "a string"},
                      {"quantity", true, is_integer, "an int or long"},
                      {"unit_price_cents", true, is_integer, "an int or long"}},
                     "");
}

bool is_item_array(avro_schema_t s) {
    return avro_typeof(s) == AVRO_ARRAY && fits(avro_schema_array_items(s), is_item_record);
}

}  // namespace

std::optional<std::string> order_schema_mismatch(avro_schema_t writer) {
    writer = follow_links(writer);
    if (writer == nullptr || avro_typeof(writer) != AVRO_RECORD) {
        return "the writer schema is not a record";
    }
    return mismatch(writer,
                    {{"order_id", true, is_text, "a string"},
                     {"customer_id", true, is_text, "a string"},
                     {"items", true, is_item_array, "an array of item records"},
                     {"total_cents", true, is_integer, "an int or long"},
                     {"currency", true, is_text, "a string"},
                     {"created_at", true, is_integer, "an int or long"},
                     {"status", false, is_text, "a string"},
                     {"payment_method", false, is_text, "a string"},
                     {"shipping_country", false, is_text, "a string"}},
                    "the writer schema ");
}

}  // namespace orderflow::serde
