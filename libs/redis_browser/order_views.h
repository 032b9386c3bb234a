#pragma once

// The console's order views of Redis, per consumer group: the stats each group's write script
// keeps, a customer's aggregates and orders, and an order's stored hash with the customer
// aggregate it counted into (key layout: libs/redis/order_store.h).

#include "redis/client.h"
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
    std::int64_t orders = 0;      ///< processed, summed over the group's stats pieces
    std::int64_t duplicates = 0;  ///< duplicates_skipped
    std::int64_t dead = 0;        ///< dead_lettered
    /// Distinct customers (the write script counts a customer's first order); none for data
    /// written before the script kept the count.
    std::optional<std::int64_t> customers;
};

struct GroupsStats {
    std::vector<GroupCounts> groups;
};

/// Each group's totals: its partitions (partitions:<group>), then the sum of their stats pieces
/// (stats:{g:p:n}); a group with no stats yet has zeros.
/// Errors: redis::RedisError.
GroupsStats group_stats(redis::Client& redis, const std::vector<std::string>& groups);

/// The groups that have a partitions:<group> key, sorted: SCAN MATCH partitions:* over the whole
/// keyspace of every node, so cache the answer (or name the groups from configuration). Errors:
/// redis::RedisError.
std::vector<std::string> discover_groups(redis::Client& redis);

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

/// customer:{g:p:n}:<id> and its :orders sorted set in each partition of each group, summed
/// (newest orders merged by created-at): two round trips.
/// Errors: BadRequest (empty id, orders_limit outside 1..kMaxCount), redis::RedisError.
CustomerView lookup_customer(redis::Client& redis,
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
    StoredHash order;                          ///< order:{g:p:n}:<id>
    std::optional<std::int64_t> stored_at_ms;  ///< none for orders stored before stored_at
    std::optional<KafkaPosition> position;     ///< the record the group stored it from
    std::optional<StoredHash> customer;        ///< customer:{g:p:n}:<customer_id>, its partition's
};

struct OrderView {
    std::string order_id;
    /// Every group asked; nullopt where the group has not stored the order.
    std::map<std::string, std::optional<OrderInGroup>> groups;
    bool found() const;
};

/// order:{g:p:n}:<id> in each partition of each group, then the customers they name: three
/// round trips.
/// Errors: BadRequest (empty id), redis::RedisError.
OrderView lookup_order(redis::Client& redis,
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
