#pragma once

// POST /v1/orders: the JSON body a client sends, turned into an order, and the API's error
// answers. Pure (no I/O): the id, the clock and the status come from the caller.

#include "orders/order.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace orderflow::gateway {

/// What the gateway accepts beyond the store's own bounds (orders/validation.h).
inline constexpr std::size_t kMaxSkuBytes = 256;
inline constexpr std::size_t kMaxItemNameBytes = 1024;
inline constexpr std::size_t kMaxPaymentMethodBytes = 32;
/// Objects and arrays inside each other: an order needs 3 (order, items, item).
inline constexpr int kMaxJsonDepth = 3;

/// A 4xx answer: {"error":{"code","message","field"}}; field "" when the body as a whole is
/// wrong.
class RequestError : public std::runtime_error {
public:
    RequestError(int status, std::string code, std::string field, const std::string& message)
        : std::runtime_error(message),
          status_(status),
          code_(std::move(code)),
          field_(std::move(field)) {}
    int status() const { return status_; }
    const std::string& code() const { return code_; }
    const std::string& field() const { return field_; }

private:
    int status_;
    std::string code_;
    std::string field_;
};

/// {"error":{"code":...,"message":...,"field":...}} (invalid UTF-8 replaced).
std::string error_body(const std::string& code,
                       const std::string& message,
                       const std::string& field = "");

/**
 * The order in `body`: {"customer_id", "items": [{"sku", "name", "quantity",
 * "unit_price_cents"}], "currency", "shipping_country" (optional, "" or ISO 3166-1 alpha-2),
 * "payment_method" (optional, "card")}. The total is computed; `order_id` and `created_at_ms`
 * are the caller's. Every limit is checked before the work it protects (depth while parsing,
 * the item count before the items). Errors: RequestError (400) naming the first bad field:
 * invalid_json, not_an_object, unknown_field, missing_field, wrong_type, out_of_range,
 * invalid_value.
 */
orders::Order parse_order(std::string_view body, std::string order_id, std::int64_t created_at_ms);

}  // namespace orderflow::gateway
