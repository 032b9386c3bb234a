#pragma once

#include "orders/order.h"

#include <string>
#include <vector>

namespace orderflow::orders {

/// True for a lower- or upper-case 8-4-4-4-12 hex UUID.
bool is_uuid(const std::string& text);

/**
 * The order's own checks, in the order they are listed here: a UUID order id, a customer id,
 * at least one item, every item with a sku, a quantity >= 1 and a unit price >= 0, a total that
 * equals the items' sum, a three-letter upper-case currency, a positive created-at. Returns one
 * sentence per problem ("item 2 (SKU-1001): quantity -1 is not positive"); empty when valid.
 */
std::vector<std::string> validate(const Order& order);

/// The problems of validate() joined with "; ", or empty.
std::string validation_summary(const Order& order);

}  // namespace orderflow::orders
