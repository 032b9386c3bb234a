#pragma once

// The store's write: the Lua script and the arguments of one call to it. Pure (no I/O), so
// that a fuzz target can drive "an order -> the store's arguments" from bytes.

#include "orders/order.h"
#include "redis/connection.h"

#include <cstdint>
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

/// Why the store would not write an order (the dead-letter topic's `dlq.error`).
enum class RefusalKind {
    kInvalidOrder,          ///< the order fails orders::validate(): it cannot be stored exactly
    kConflictingDuplicate,  ///< its id is stored with other content
    kStoreRefused,          ///< what Redis holds forbids it (a key of another type, a sum too big)
};
std::string to_string(RefusalKind kind);

/// An order the store refused: entry index in the written batch, and why.
struct Refusal {
    std::size_t entry = 0;
    RefusalKind kind = RefusalKind::kStoreRefused;
    std::string reason;
};

/// The order hash's fields as the store writes them (items as JSON), without its topic,
/// partition, offset and stored_at: what the audit compares with the topic and what the
/// script compares to tell a redelivery from a conflicting duplicate.
std::vector<std::pair<std::string, std::string>> order_fields(const orders::Order& order);

/// Every key the write script touches for `entry`, in the order it reads them from KEYS.
std::vector<std::string> script_keys(const std::string& group, const StoreEntry& entry);

/// The Lua source of the write script.
std::string_view write_script();

/// The EVALSHA of `entry` (script `sha`). An order that fails orders::validate() is sent as a
/// dead letter instead, and `refused` gets why: nothing of it reaches a key. Never throws for
/// any order content (the fuzz entry point).
Command write_call(const std::string& sha,
                   const std::string& group,
                   const StoreEntry& entry,
                   const std::string& stored_at_ms,
                   std::optional<std::string>& refused);

}  // namespace orderflow::redis
