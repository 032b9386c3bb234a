#pragma once

// Order <-> Avro binary over Avro C generic values.

#include "orders/order.h"
#include "serde/avro_value.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace orderflow::serde {

/// Bytes that do not decode into an order with the given writer schema; what() says why.
class DecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/**
 * Writes orders with a given schema: ours (order.avsc) or a newer compatible one. Fields the
 * order knows are set by name; any other field of the schema gets its declared default, so
 * the schema must give one. Not thread-safe (reuses one value).
 * Errors at construction: AvroError for an invalid schema, std::invalid_argument when a field
 * the order needs is missing or has an unusable type, or an unknown field has no default.
 */
class OrderEncoder {
public:
    explicit OrderEncoder(std::string_view schema_json);
    ~OrderEncoder();
    OrderEncoder(const OrderEncoder&) = delete;
    OrderEncoder& operator=(const OrderEncoder&) = delete;

    /// The Avro binary of `order` (not framed).
    std::string encode(const orders::Order& order);
    const std::string& schema_json() const { return schema_.json(); }

private:
    AvroSchema schema_;
    std::unique_ptr<nlohmann::json> defaults_;  // field name -> default, for unknown fields
    AvroValue value_;
};

/**
 * Decodes `avro_binary` written with `writer` and maps it to the order by field name: missing
 * optional fields (status, payment_method, shipping_country) take their defaults, unknown
 * fields are ignored, int/long are interchangeable and ["null", T] unions are read as T.
 * Errors: DatumLimitError (datum_check.h) for bytes breaking a decoding limit, checked before
 * Avro C reads them; DecodeError for truncated or trailing bytes, or a writer schema without a
 * field the order requires (order_id, customer_id, items, total_cents, currency, created_at).
 * Also the datum-decoding fuzz entry point: decode_order(AvroSchema(any_json), any_bytes).
 */
orders::Order decode_order(const AvroSchema& writer, std::string_view avro_binary);

}  // namespace orderflow::serde
