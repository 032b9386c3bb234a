#pragma once

#include "orders/order.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::orders {

/// The bounds that keep every stored number exact. An order's amounts stay at or below
/// kMaxAmountCents (10^15 cents, under 2^53, so the store's Lua script, whose numbers are
/// doubles, compares them exactly); a customer's total_spent_cents is refused by the store past
/// kMaxCustomerTotalCents (2^53 - 1), far below int64's end, so no sum ever overflows.
inline constexpr std::int64_t kMaxAmountCents = 1'000'000'000'000'000;
inline constexpr std::int64_t kMaxCustomerTotalCents = (std::int64_t{1} << 53) - 1;
inline constexpr std::int32_t kMaxQuantity = 1'000'000;
/// Items per order: bounds the order hash and the script's arguments.
inline constexpr std::size_t kMaxItems = 1000;
/// Bytes of a customer id (ids name Redis keys and travel as the Kafka key).
inline constexpr std::size_t kMaxIdBytes = 256;

/// quantity * unit price summed over the items; nullopt when a step leaves int64 or passes
/// kMaxAmountCents (what items_total_cents() would get wrong).
std::optional<std::int64_t> checked_items_total(const Order& order);

/// True for a lower- or upper-case 8-4-4-4-12 hex UUID.
bool is_uuid(const std::string& text);

/// One problem of an order: the field it is about ("items[2].quantity", JSON-path style with
/// 0-based item indexes) and a sentence saying what is wrong.
struct Problem {
    std::string field;
    std::string message;
};

/// The checks of validate() with the field of each problem (an HTTP intake names it).
std::vector<Problem> problems(const Order& order);

/**
 * The order's own checks, in the order they are listed here: a UUID order id, a customer id of
 * 1 to kMaxIdBytes bytes, 1 to kMaxItems items, every item with a sku, a quantity in
 * [1, kMaxQuantity] and a unit price in [0, kMaxAmountCents], a total in [0, kMaxAmountCents]
 * that equals the items' sum, a three-letter upper-case currency, a positive created-at.
 * Returns one sentence per problem ("item 2 (SKU-1001): quantity -1 is not positive"); empty
 * when valid. A valid order can be stored exactly (see the bounds above).
 */
std::vector<std::string> validate(const Order& order);

/// The problems of validate() joined with "; ", or empty.
std::string validation_summary(const Order& order);

}  // namespace orderflow::orders
