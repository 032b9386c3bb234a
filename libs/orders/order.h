#pragma once

// The order domain type: what the producer generates, what travels through Kafka as Avro and
// what the consumers store in Redis. Pure data, no I/O.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace orderflow::orders {

/// One line of an order. Prices are integer cents to keep sums exact.
struct OrderItem {
    std::string sku;
    std::string name;
    std::int32_t quantity = 0;
    std::int64_t unit_price_cents = 0;

    bool operator==(const OrderItem&) const = default;
};

/// Defaults of the optional fields: the values a reader fills in when the writer's schema
/// lacks the field (and the defaults in order.avsc).
inline constexpr const char* kDefaultStatus = "PLACED";
inline constexpr const char* kDefaultPaymentMethod = "card";
inline constexpr const char* kDefaultShippingCountry = "";

struct Order {
    std::string order_id;     ///< UUID, lower-case 8-4-4-4-12 hex
    std::string customer_id;  ///< also the Kafka key
    std::vector<OrderItem> items;
    std::int64_t total_cents = 0;    ///< sum of quantity * unit_price_cents
    std::string currency;            ///< ISO 4217, e.g. EUR
    std::int64_t created_at_ms = 0;  ///< Unix epoch milliseconds (Avro timestamp-millis)
    std::string status = kDefaultStatus;
    std::string payment_method = kDefaultPaymentMethod;
    std::string shipping_country = kDefaultShippingCountry;  ///< ISO 3166-1 alpha-2, or empty

    bool operator==(const Order&) const = default;
};

/// Sum of quantity * unit price over the items (what total_cents must equal).
std::int64_t items_total_cents(const Order& order);

/// The items as a JSON array of {"sku", "name", "quantity", "unit_price_cents"} objects, keys
/// in that order: the one place an order's items become JSON (to_json below, the Redis store).
nlohmann::ordered_json items_to_json(const Order& order);

/// A compact one-line JSON rendering for logs and the failed-orders file.
std::string to_json(const Order& order);

}  // namespace orderflow::orders
