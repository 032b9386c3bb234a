#pragma once

// The console's order views of Redis, per consumer group: the stats each group's write script
// keeps, a customer's aggregates and orders, and an order's stored hash with the customer
// aggregate it counted into (key layout: libs/redis/order_store.h).

#include "redis/connection.h"
#include "redis_browser/browse_request.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace orderflow::redis_browser {

struct GroupCounts {
    std::string group;
    std::int64_t orders = 0;      ///< stats:<group> processed
    std::int64_t duplicates = 0;  ///< duplicates_skipped
    std::int64_t dead = 0;        ///< dead_lettered
    /// Distinct customers (the write script counts a customer's first order); none for data
    /// written before the script kept the count.
    std::optional<std::int64_t> customers;
};

struct GroupsStats {
    std::vector<GroupCounts> groups;
};

/// stats:<group> of each group, in one round trip (a group with no stats yet has zeros).
/// Errors: redis::RedisError.
GroupsStats group_stats(redis::Connection& redis, const std::vector<std::string>& groups);

/// The groups that have a stats:<group> key, sorted: SCAN MATCH stats:* over the whole keyspace,
/// so cache the answer (or name the groups from configuration). Errors: redis::RedisError.
std::vector<std::string> discover_groups(redis::Connection& redis);

struct CustomerInGroup {
    std::int64_t orders_count = 0;
    std::int64_t total_spent_cents = 0;
    std::vector<std::string> orders;  ///< newest first (by created-at), at most orders_limit
    std::int64_t orders_total = 0;    ///< ZCARD of the customer's orders
};

struct CustomerView {
    std::string customer_id;
    /// Every group asked; nullopt where the customer has no aggregate.
    std::map<std::string, std::optional<CustomerInGroup>> groups;
    bool found() const;
};

/// customer:<group>:<id> and its :orders sorted set in each group, one round trip.
/// Errors: BadRequest (empty id, orders_limit outside 1..kMaxCount), redis::RedisError.
CustomerView lookup_customer(redis::Connection& redis,
                             const std::vector<std::string>& groups,
                             const std::string& customer_id,
                             std::size_t orders_limit = 100);

struct StoredHash {
    std::string key;
    std::map<std::string, std::string> fields;
};

struct KafkaPosition {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
};

struct OrderInGroup {
    StoredHash order;                          ///< order:<group>:<id>
    std::optional<std::int64_t> stored_at_ms;  ///< none for orders stored before stored_at
    std::optional<KafkaPosition> position;     ///< the record the group stored it from
    std::optional<StoredHash> customer;        ///< customer:<group>:<customer_id>
};

struct OrderView {
    std::string order_id;
    /// Every group asked; nullopt where the group has not stored the order.
    std::map<std::string, std::optional<OrderInGroup>> groups;
    bool found() const;
};

/// order:<group>:<id> in each group, then the customers they name: two round trips.
/// Errors: BadRequest (empty id), redis::RedisError.
OrderView lookup_order(redis::Connection& redis,
                       const std::vector<std::string>& groups,
                       const std::string& order_id);

/// {"groups": [{"group", "orders", "duplicates", "dead", "customers"}]}, /api/redis/groups.
nlohmann::json to_json(const GroupsStats& stats);
/// {"customer_id", "groups": {"<g>": {"orders_count", "total_spent_cents", "orders",
/// "orders_total"} | null}}, /api/redis/customers/{id}.
nlohmann::json to_json(const CustomerView& customer);
/// {"order_id", "groups": {"<g>": {"key", "fields", "stored_at_ms", "topic", "partition",
/// "offset", "customer": {"key", "fields"} | null} | null}}: /api/orders/{id} without its
/// "kafka" and "dead_letters", which the console adds.
nlohmann::json to_json(const OrderView& order);

}  // namespace orderflow::redis_browser
