#pragma once

// An order as a consumer group stored it in Redis (order:<group>:<id>, libs/redis/order_store.h),
// as the gateway answers it: the order's own fields typed as in the 201 answer, then where it
// came from. Pure.

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace orderflow::gateway {

/// {"order_id", ..., "shipping_country", "group", "stored_at_ms", "kafka": {"topic",
/// "partition", "offset"}}: numbers as numbers and items as an array when they parse, else the
/// stored text as it is.
nlohmann::ordered_json stored_order_json(const std::map<std::string, std::string>& fields,
                                         const std::string& group);

}  // namespace orderflow::gateway
