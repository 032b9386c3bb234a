#pragma once

// Whether a writer schema can be read as an order at all, decided from the schema alone so a
// record written with a foreign schema is refused before its bytes are read.

#include <avro.h>

#include <optional>
#include <string>

namespace orderflow::serde {

/**
 * Why `writer` cannot be resolved to the order (order.avsc, read by field name as
 * decode_order does), or nullopt when it can: a record whose fields order_id, customer_id,
 * currency are strings (or enums), total_cents and created_at ints or longs, items an array of
 * records with sku (string), quantity and unit_price_cents (int or long); a union fits when
 * one of its branches does; optional fields, when present, must fit too.
 */
std::optional<std::string> order_schema_mismatch(avro_schema_t writer);

}  // namespace orderflow::serde
