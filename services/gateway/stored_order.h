#pragma once

// An order as a consumer group stored it in Redis (order:<group>:<id>, libs/redis/order_store.h),
// as the gateway answers it: the order's own fields typed as in the 201 answer, then where it
// came from. And a customer's totals and latest orders (customer:<group>:<id> and its sorted
// set). Pure: what Redis holds is outside bytes, shown typed when it parses, else as text.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace orderflow::gateway {

/// {"order_id", ..., "shipping_country", "group", "stored_at_ms", "kafka": {"topic",
/// "partition", "offset"}}: numbers as numbers and items as an array when they parse, else the
/// stored text as it is.
nlohmann::ordered_json stored_order_json(const std::map<std::string, std::string>& fields,
                                         const std::string& group);

/// {"customer_id", "group", "orders_count", "total_spent_cents", "latest_orders": [{"order_id",
/// "created_at"}]}: `latest` is the sorted set's newest entries (order id, created-at score).
nlohmann::ordered_json stored_customer_json(
    const std::map<std::string, std::string>& fields,
    const std::vector<std::pair<std::string, std::string>>& latest,
    const std::string& customer_id,
    const std::string& group);

}  // namespace orderflow::gateway
