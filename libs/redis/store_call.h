#pragma once

// The store's write as FCALLs of the function library (store_library.h): which entries share a
// call, the arguments of one call, and what its reply says. Pure (no I/O), so that unit tests
// and a fuzz target drive "orders -> the store's arguments" and "a reply -> outcomes".

#include "orders/order.h"
#include "redis/client.h"

#include <cstdint>
#include <optional>
#include <string>
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
    kDuplicate,     ///< offset already applied, or the order already stored: nothing changed
    kDeadLettered,  ///< counted in stats as dead-lettered
};

/// Why the store would not write an order (the dead-letter topic's `dlq.error`).
enum class RefusalKind {
    kInvalidOrder,          ///< the order fails orders::validate(): it cannot be stored exactly
    kConflictingDuplicate,  ///< its id is stored with other content
    kStoreRefused,          ///< what Redis holds forbids it (a key of another type, a sum too big)
};
std::string to_string(RefusalKind kind);

/// An order the store refused: entry index (in the written batch, or in one call), and why.
struct Refusal {
    std::size_t entry = 0;
    RefusalKind kind = RefusalKind::kStoreRefused;
    std::string reason;
};

/// At most this many entries per FCALL: one call blocks Redis while it runs (about a
/// millisecond for this many orders).
inline constexpr std::size_t kMaxEntriesPerCall = 250;

/// The order hash's fields as the store writes them (items as JSON), without its topic,
/// partition, offset and stored_at: what the audit compares with the topic and what the
/// function compares to tell a redelivery from a conflicting duplicate.
std::vector<std::pair<std::string, std::string>> order_fields(const orders::Order& order);

/// The keys an order of `partition` adds to a call, in the order the function reads them: the
/// order hash, the customer hash, the customer's sorted set (a call's first two keys are the
/// partition's stats and offsets). All carry the partition's tag: one call, one slot.
std::vector<std::string> order_keys(const std::string& group,
                                    std::int32_t partition,
                                    const orders::Order& order);

/// Why the entry's order may not be stored (orders::validate()); nullopt for a valid order or
/// a dead letter. Such an order is sent as a dead letter: nothing of it reaches a key.
std::optional<std::string> invalid_reason(const StoreEntry& entry);

/// The calls a batch makes: indices of `entries`, one list per partition in the order the
/// partitions first appear, each in the batch's order and cut after `max_per_call` entries.
std::vector<std::vector<std::size_t>> plan_calls(const std::vector<StoreEntry>& entries,
                                                 std::size_t max_per_call = kMaxEntriesPerCall);

/// The FCALL of `function` storing entries[i] for each i of `call` (one partition). Entries with
/// as_dead[i] (or no order) are sent as dead letters. Never throws for any order content.
Command store_call(const std::string& function,
                   const std::string& group,
                   const std::vector<StoreEntry>& entries,
                   const std::vector<std::size_t>& call,
                   const std::vector<bool>& as_dead,
                   const std::string& stored_at_ms);

/// What one call answered: an outcome per entry, or (nothing written) the entries it refused,
/// indexed within the call.
struct CallReply {
    std::vector<WriteOutcome> outcomes;
    std::vector<Refusal> refused;
};

/// The reply of a call of `entries` entries (not an error reply). Errors: RedisError when it is
/// not what the function answers.
CallReply parse_store_reply(const Reply& reply, std::size_t entries);

}  // namespace orderflow::redis
