#include "serde/order_codec.h"

#include "serde/datum_check.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>

namespace orderflow::serde {
namespace {

using nlohmann::json;

// Field names of order.avsc that the C++ order maps; any other field is filled from defaults.
const std::set<std::string>& known_fields() {
    static const std::set<std::string> fields = {
        "order_id",   "customer_id", "items",          "total_cents",     "currency",
        "created_at", "status",      "payment_method", "shipping_country"};
    return fields;
}

void check(int rc, const std::string& what) {
    if (rc != 0) {
        throw AvroError(what + ": " + last_avro_error());
    }
}

// A ["null", T] union is written as its non-null branch; other values stay as they are.
avro_value_t resolve_union_for_write(avro_value_t* value, avro_type_t wanted) {
    if (avro_value_get_type(value) != AVRO_UNION) {
        return *value;
    }
    avro_schema_t schema = avro_value_get_schema(value);
    const auto branches = avro_schema_union_size(schema);
    for (std::size_t i = 0; i < branches; ++i) {
        avro_schema_t branch_schema = avro_schema_union_branch(schema, static_cast<int>(i));
        if (avro_typeof(branch_schema) == wanted ||
            (wanted == AVRO_INT64 && avro_typeof(branch_schema) == AVRO_INT32)) {
            avro_value_t branch;
            check(avro_value_set_branch(value, static_cast<int>(i), &branch), "set union branch");
            return branch;
        }
    }
    throw AvroError("no union branch for the value");
}

void set_string(avro_value_t* record, const char* name, const std::string& text) {
    avro_value_t field;
    if (avro_value_get_by_name(record, name, &field, nullptr) != 0) {
        return;  // an optional field the writer schema does not have
    }
    auto target = resolve_union_for_write(&field, AVRO_STRING);
    check(avro_value_set_string_len(&target, text.c_str(), text.size() + 1),
          std::string("set ") + name);
}

void set_integer(avro_value_t* record, const char* name, std::int64_t number) {
    avro_value_t field;
    if (avro_value_get_by_name(record, name, &field, nullptr) != 0) {
        return;
    }
    auto target = resolve_union_for_write(&field, AVRO_INT64);
    if (avro_value_get_type(&target) == AVRO_INT32) {
        check(avro_value_set_int(&target, static_cast<int32_t>(number)),
              std::string("set ") + name);
    } else {
        check(avro_value_set_long(&target, number), std::string("set ") + name);
    }
}

// Sets `value` from a JSON default, as the Avro spec defines defaults (a union's default is
// for its first branch).
void set_from_json(avro_value_t* value, const json& data) {
    switch (avro_value_get_type(value)) {
        case AVRO_NULL:
            check(avro_value_set_null(value), "set null default");
            return;
        case AVRO_BOOLEAN:
            check(avro_value_set_boolean(value, data.get<bool>() ? 1 : 0), "set default");
            return;
        case AVRO_INT32:
            check(avro_value_set_int(value, data.get<int32_t>()), "set default");
            return;
        case AVRO_INT64:
            check(avro_value_set_long(value, data.get<int64_t>()), "set default");
            return;
        case AVRO_FLOAT:
            check(avro_value_set_float(value, data.get<float>()), "set default");
            return;
        case AVRO_DOUBLE:
            check(avro_value_set_double(value, data.get<double>()), "set default");
            return;
        case AVRO_STRING: {
            const auto text = data.get<std::string>();
            check(avro_value_set_string_len(value, text.c_str(), text.size() + 1), "set default");
            return;
        }
        case AVRO_ENUM: {
            const int index = avro_schema_enum_get_by_name(avro_value_get_schema(value),
                                                           data.get<std::string>().c_str());
            if (index < 0) {
                throw AvroError("enum default is not a symbol");
            }
            check(avro_value_set_enum(value, index), "set default");
            return;
        }
        case AVRO_UNION: {
            avro_value_t branch;
            check(avro_value_set_branch(value, 0, &branch), "set union default");
            set_from_json(&branch, data);
            return;
        }
        case AVRO_ARRAY:
            for (const auto& element : data) {
                avro_value_t child;
                check(avro_value_append(value, &child, nullptr), "append default");
                set_from_json(&child, element);
            }
            return;
        case AVRO_MAP:
            for (const auto& [key, element] : data.items()) {
                avro_value_t child;
                check(avro_value_add(value, key.c_str(), &child, nullptr, nullptr), "add default");
                set_from_json(&child, element);
            }
            return;
        case AVRO_RECORD:
            for (const auto& [key, element] : data.items()) {
                avro_value_t child;
                check(avro_value_get_by_name(value, key.c_str(), &child, nullptr),
                      "default field " + key);
                set_from_json(&child, element);
            }
            return;
        default:
            throw AvroError("unsupported type for a default value");
    }
}

// ---- reading ----

// The value itself, or the current branch of a union; nullopt for a null branch.
std::optional<avro_value_t> unwrap(avro_value_t value) {
    while (avro_value_get_type(&value) == AVRO_UNION) {
        avro_value_t branch;
        if (avro_value_get_current_branch(&value, &branch) != 0) {
            return std::nullopt;
        }
        value = branch;
    }
    if (avro_value_get_type(&value) == AVRO_NULL) {
        return std::nullopt;
    }
    return value;
}

std::optional<avro_value_t> field_of(avro_value_t* record, const char* name, bool required) {
    avro_value_t field;
    if (avro_value_get_by_name(record, name, &field, nullptr) != 0) {
        if (required) {
            throw DecodeError(std::string("the writer schema has no field '") + name + "'");
        }
        return std::nullopt;
    }
    auto value = unwrap(field);
    if (!value && required) {
        throw DecodeError(std::string("field '") + name + "' is null");
    }
    return value;
}

std::string read_string(avro_value_t* record, const char* name, const char* fallback) {
    auto value = field_of(record, name, fallback == nullptr);
    if (!value) {
        return fallback;
    }
    const auto type = avro_value_get_type(&*value);
    if (type == AVRO_STRING) {
        const char* text = nullptr;
        std::size_t size = 0;
        avro_value_get_string(&*value, &text, &size);
        return std::string(text, size > 0 ? size - 1 : 0);
    }
    if (type == AVRO_ENUM) {
        int index = 0;
        avro_value_get_enum(&*value, &index);
        const char* symbol = avro_schema_enum_get(avro_value_get_schema(&*value), index);
        return symbol != nullptr ? symbol : "";
    }
    throw DecodeError(std::string("field '") + name + "' is not a string");
}

std::int64_t read_integer(avro_value_t* record, const char* name) {
    auto value = field_of(record, name, true);
    if (avro_value_get_type(&*value) == AVRO_INT32) {
        int32_t number = 0;
        avro_value_get_int(&*value, &number);
        return number;
    }
    if (avro_value_get_type(&*value) == AVRO_INT64) {
        int64_t number = 0;
        avro_value_get_long(&*value, &number);
        return number;
    }
    throw DecodeError(std::string("field '") + name + "' is not an int or long");
}

}  // namespace

OrderEncoder::OrderEncoder(std::string_view schema_json)
    : schema_(schema_json),
      defaults_(std::make_unique<json>(json::object())),
      value_(schema_.new_value()) {
    if (avro_typeof(schema_.get()) != AVRO_RECORD) {
        throw std::invalid_argument("the order schema must be a record");
    }
    for (const char* required :
         {"order_id", "customer_id", "items", "total_cents", "currency", "created_at"}) {
        if (avro_schema_record_field_get_index(schema_.get(), required) < 0) {
            throw std::invalid_argument(std::string("the order schema has no field '") + required +
                                        "'");
        }
    }
    const auto parsed = json::parse(schema_json);
    for (const auto& field : parsed.at("fields")) {
        const auto name = field.at("name").get<std::string>();
        if (known_fields().contains(name)) {
            continue;
        }
        if (!field.contains("default")) {
            throw std::invalid_argument("field '" + name +
                                        "' of the order schema has no default, so orders "
                                        "cannot be written with it");
        }
        (*defaults_)[name] = field.at("default");
    }
}

OrderEncoder::~OrderEncoder() = default;

std::string OrderEncoder::encode(const orders::Order& order) {
    avro_value_t* record = value_.get();
    check(avro_value_reset(record), "reset value");
    set_string(record, "order_id", order.order_id);
    set_string(record, "customer_id", order.customer_id);
    avro_value_t items;
    check(avro_value_get_by_name(record, "items", &items, nullptr), "items");
    for (const auto& item : order.items) {
        avro_value_t element;
        check(avro_value_append(&items, &element, nullptr), "append item");
        set_string(&element, "sku", item.sku);
        set_string(&element, "name", item.name);
        set_integer(&element, "quantity", item.quantity);
        set_integer(&element, "unit_price_cents", item.unit_price_cents);
    }
    set_integer(record, "total_cents", order.total_cents);
    set_string(record, "currency", order.currency);
    set_integer(record, "created_at", order.created_at_ms);
    set_string(record, "status", order.status);
    set_string(record, "payment_method", order.payment_method);
    set_string(record, "shipping_country", order.shipping_country);
    for (const auto& [name, data] : defaults_->items()) {
        avro_value_t field;
        check(avro_value_get_by_name(record, name.c_str(), &field, nullptr), name);
        set_from_json(&field, data);
    }
    return AvroSchema::write(record);
}

orders::Order decode_order(const AvroSchema& writer, std::string_view avro_binary) {
    auto value = writer.new_value();
    try {
        AvroSchema::read(avro_binary, value.get());
    } catch (const DatumLimitError&) {
        throw;  // its own verdict, not "undecodable"
    } catch (const AvroError& e) {
        throw DecodeError(std::string("undecodable Avro: ") + e.what());
    }
    avro_value_t* record = value.get();
    if (avro_value_get_type(record) != AVRO_RECORD) {
        throw DecodeError("the writer schema is not a record");
    }
    orders::Order order;
    order.order_id = read_string(record, "order_id", nullptr);
    order.customer_id = read_string(record, "customer_id", nullptr);
    auto items = field_of(record, "items", true);
    if (avro_value_get_type(&*items) != AVRO_ARRAY) {
        throw DecodeError("field 'items' is not an array");
    }
    std::size_t count = 0;
    avro_value_get_size(&*items, &count);
    for (std::size_t i = 0; i < count; ++i) {
        avro_value_t element;
        avro_value_get_by_index(&*items, i, &element, nullptr);
        auto item_record = unwrap(element);
        if (!item_record || avro_value_get_type(&*item_record) != AVRO_RECORD) {
            throw DecodeError("item " + std::to_string(i + 1) + " is not a record");
        }
        orders::OrderItem item;
        item.sku = read_string(&*item_record, "sku", nullptr);
        item.name = read_string(&*item_record, "name", "");
        const auto quantity = read_integer(&*item_record, "quantity");
        if (quantity < INT32_MIN || quantity > INT32_MAX) {
            throw DecodeError("item " + std::to_string(i + 1) + ": quantity out of range");
        }
        item.quantity = static_cast<std::int32_t>(quantity);
        item.unit_price_cents = read_integer(&*item_record, "unit_price_cents");
        order.items.push_back(std::move(item));
    }
    order.total_cents = read_integer(record, "total_cents");
    order.currency = read_string(record, "currency", nullptr);
    order.created_at_ms = read_integer(record, "created_at");
    order.status = read_string(record, "status", orders::kDefaultStatus);
    order.payment_method = read_string(record, "payment_method", orders::kDefaultPaymentMethod);
    order.shipping_country =
        read_string(record, "shipping_country", orders::kDefaultShippingCountry);
    return order;
}

}  // namespace orderflow::serde
