#pragma once

// Where the consumers put orders: one Lua script writes an order, its customer aggregates, the
// partition's last applied offset and the group's stats atomically, and skips redeliveries.

#include "orders/order.h"
#include "redis/connection.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orderflow::redis {

/// One consumed message to record: an order, or (order empty) a message sent to the DLQ.
struct StoreEntry {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    std::optional<orders::Order> order;
};

enum class WriteOutcome {
    kApplied,       ///< the order and its aggregates were written
    kDuplicate,     ///< offset already applied, or the order id already stored: nothing changed
    kDeadLettered,  ///< counted in stats as dead-lettered
};

struct GroupStats {
    std::int64_t processed = 0;
    std::int64_t duplicates_skipped = 0;
    std::int64_t dead_lettered = 0;
};

/// The order hash's fields as the store writes them (items as JSON), without its topic,
/// partition, offset and stored_at: what the audit compares with the topic.
std::vector<std::pair<std::string, std::string>> order_fields(const orders::Order& order);

/// Every key the write script touches for `entry`, in the order it reads them from KEYS.
std::vector<std::string> script_keys(const std::string& group, const StoreEntry& entry);

/// The keys, per consumer group (issue #4): order:{g}:{id}, customer:{g}:{c}, ...
std::string order_key(const std::string& group, const std::string& order_id);
std::string customer_key(const std::string& group, const std::string& customer_id);
std::string customer_orders_key(const std::string& group, const std::string& customer_id);
std::string stats_key(const std::string& group);
/// Hash "topic:partition" -> last applied offset.
std::string offsets_key(const std::string& group);

/**
 * A group's view of Redis over one connection. Not thread-safe (the connection is not).
 *
 * The script, per order: if the order id is already stored it only counts a duplicate; else
 * it writes the order hash (with topic, partition, offset and stored_at), HINCRBYs orders_count and
 * total_spent_cents of the customer (a customer's first order also counts `customers` in the
 * stats), ZADDs the order id by created-at, counts `processed` and
 * stores the offset as the partition's mark. Per dead letter (no order id): counted once,
 * unless its offset is not above the mark. Offsets alone never make an order a duplicate, so
 * a topic deleted and re-created (offsets restart low) keeps its new orders. Every key it
 * touches is passed in KEYS (script_keys()). Each call is atomic, so a crash between two
 * calls leaves a state that a redelivery completes without double counting.
 */
class OrderStore {
public:
    OrderStore(Connection& connection, std::string group);

    /// All entries in one pipelined round trip, in order (which must be offset order within a
    /// partition). An applied order's hash gets `stored_at` = `stored_at_ms` (the writer's
    /// clock, Unix ms); a duplicate keeps the one of its first write. Errors: RedisError, after
    /// which none, some or all entries may be applied.
    std::vector<WriteOutcome> write(const std::vector<StoreEntry>& entries,
                                    std::int64_t stored_at_ms);

    GroupStats stats();
    /// "topic:partition" -> last applied offset.
    std::map<std::string, std::int64_t> last_offsets();
    const std::string& group() const { return group_; }

    /// The Lua source of the write script.
    static std::string_view script();

private:
    Command script_call(const StoreEntry& entry, const std::string& stored_at_ms) const;
    void load_script();

    Connection& connection_;
    std::string group_;
    std::string sha_;
};

}  // namespace orderflow::redis
