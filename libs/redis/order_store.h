#pragma once

// Where the consumers put orders: one Lua script writes an order, its customer aggregates, the
// partition's last applied offset and the group's stats atomically, and skips redeliveries.

#include "orders/order.h"
#include "redis/connection.h"
#include "redis/key_names.h"
#include "redis/write_script.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::redis {

enum class WriteOutcome {
    kApplied,       ///< the order and its aggregates were written
    kDuplicate,     ///< offset already applied, or the order already stored: nothing changed
    kDeadLettered,  ///< counted in stats as dead-lettered
};

struct GroupStats {
    std::int64_t processed = 0;
    std::int64_t duplicates_skipped = 0;
    std::int64_t dead_lettered = 0;
};

/**
 * A group's view of Redis over one connection. Not thread-safe (the connection is not).
 *
 * The script (write_script()), per order: checks first, writes after, so an order is written
 * whole or not at all. If the order id is already stored with the same fields it only counts a
 * duplicate; stored with other fields, or refused by what Redis holds (a key of another type,
 * a customer total past orders::kMaxCustomerTotalCents), it is counted as a dead letter and
 * reported in take_refusals(). Else it writes the order hash (with topic, partition, offset and
 * stored_at), HINCRBYs orders_count and total_spent_cents of the customer (a customer's first
 * order also counts `customers` in the stats), ZADDs the order id by created-at, counts
 * `processed` and stores the offset as the partition's mark. Per dead letter (no order): counted
 * once, unless its offset is not above the mark. Offsets alone never make an order a
 * duplicate, so a topic deleted and re-created (offsets restart low) keeps its new orders.
 * Every key it touches is passed in KEYS (script_keys()). Each call is atomic, so a crash
 * between two calls leaves a state that a redelivery completes without double counting.
 */
class OrderStore {
public:
    OrderStore(Connection& connection, std::string group);

    /// All entries in one pipelined round trip, in order (which must be offset order within a
    /// partition). An applied order's hash gets `stored_at` = `stored_at_ms` (the writer's
    /// clock, Unix ms); a duplicate keeps the one of its first write. An order that fails
    /// orders::validate() is never sent to the script: it is recorded as a dead letter and
    /// refused. Errors: RedisError, after which none, some or all entries may be applied.
    std::vector<WriteOutcome> write(const std::vector<StoreEntry>& entries,
                                    std::int64_t stored_at_ms);
    /// The orders the last write() refused (to be sent to the dead-letter topic), once.
    std::vector<Refusal> take_refusals();

    GroupStats stats();
    /// "topic:partition" -> last applied offset.
    std::map<std::string, std::int64_t> last_offsets();
    const std::string& group() const { return group_; }

    /// The Lua source of the write script.
    static std::string_view script() { return write_script(); }

private:
    void load_script();
    /// `command`'s reply; an error reply throws (AclDenied when the ACL refused it).
    Reply checked_command(const Command& command);

    Connection& connection_;
    std::string group_;
    std::string sha_;
    std::vector<Refusal> refusals_;
};

}  // namespace orderflow::redis
