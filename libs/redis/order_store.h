#pragma once

// Where the consumers put orders: one FCALL of the store's function library per partition (and
// per kMaxEntriesPerCall entries) writes its orders, the customers' aggregates, the partition's
// last applied offset and its piece of the group's stats atomically, and skips redeliveries.
// Every key of one call carries the partition's tag (key_names.h), so on a Redis Cluster the
// call runs on the one master of that slot.

#include "orders/order.h"
#include "redis/client.h"
#include "redis/key_names.h"
#include "redis/store_call.h"
#include "redis/store_library.h"
#include "redis/store_reads.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace orderflow::redis {

/**
 * A group's view of Redis over one client (one Redis or a cluster). Not thread-safe (the client
 * is not).
 *
 * The function (store_library.cpp), per call: decides every entry first and writes after, so a
 * call writes all it decided or nothing. If an order id is already stored with the same fields
 * it only counts a duplicate; stored with other fields, or refused by what Redis holds (a key
 * of another type, a customer total past orders::kMaxCustomerTotalCents), the call writes
 * nothing and names it; write() sends the call again with it as a dead letter and reports it in
 * take_refusals(). Else it writes the order hash (with topic, partition, offset and stored_at),
 * the customer's orders_count and total_spent_cents (a customer's first order also counts
 * `customers` in the stats), ZADDs the order id by created-at, counts `processed` and stores
 * the partition's mark. Per dead letter (no order): counted once, unless its offset is not
 * above the mark. Offsets alone never make an order a duplicate, so a topic deleted and
 * re-created (offsets restart low) keeps its new orders. Every key it touches is passed in
 * KEYS. Each call is atomic, so a crash between two calls leaves a state that a redelivery
 * completes without double counting.
 *
 * The library is loaded on first need (FUNCTION LOAD, never REPLACE: its name is its version),
 * and again when Redis lost it (FUNCTION FLUSH, a Redis without its data). A user that may not
 * load it gets AclDenied saying so, and the consumer holds its batch until an admin loads it
 * (`orderflow admin redis-functions`).
 */
class OrderStore {
public:
    OrderStore(Client& redis, std::string group);

    /// All entries in one pipelined round trip (per master) of one call per partition
    /// (plan_calls()), with an SADD of their partitions to the group's directory, in
    /// order (which must be offset order within a partition); one more round trip when a call
    /// refused an order or the library was missing. An applied order's hash gets `stored_at` =
    /// `stored_at_ms` (the writer's clock, Unix ms); a duplicate keeps the one of its first
    /// write. An order that fails orders::validate() is never sent as an order: it is recorded
    /// as a dead letter and refused. Errors: RedisError (AclDenied when the ACL refused a call
    /// or the library's load), after which none, some or all calls may be applied.
    std::vector<WriteOutcome> write(const std::vector<StoreEntry>& entries,
                                    std::int64_t stored_at_ms);
    /// The orders the last write() refused (to be sent to the dead-letter topic), once.
    std::vector<Refusal> take_refusals();

    /// The sum of the pieces of every partition in the group's directory.
    GroupStats stats();
    /// "topic:partition" -> last applied offset, for the partitions in the group's directory.
    std::map<std::string, std::int64_t> last_offsets();
    /// The same for `partitions` only, whether the directory names them or not.
    std::map<std::string, std::int64_t> last_offsets(const std::vector<std::int32_t>& partitions);
    const std::string& group() const { return group_; }

    /// How many FCALLs and pipelined round trips write() made in all.
    std::int64_t calls() const { return calls_; }
    std::int64_t round_trips() const { return round_trips_; }

private:
    Client& connection_;
    std::string group_;
    std::int64_t calls_ = 0;
    std::int64_t round_trips_ = 0;
    std::vector<Refusal> refusals_;
};

/// Loads the store's library (store_library()) on every node that lacks it (every master of a
/// cluster): true when this call loaded it somewhere. Never replaces a library. Errors: AclDenied
/// (the user may not FUNCTION LOAD; the message says who loads it), RedisError.
bool load_store_library(Client& redis);

}  // namespace orderflow::redis
