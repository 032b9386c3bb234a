#pragma once

// The audit's verdict, pure: what the orders topic holds against what a group put in Redis.

#include "redis/order_store.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace orderflow::audit {

struct LoggedOrder {
    std::string customer_id;
    std::int64_t total_cents = 0;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
};

/// The orders topic read from the beginning to its end.
struct LogContents {
    std::map<std::string, LoggedOrder> orders;  ///< by order id (first occurrence)
    std::int64_t messages = 0;
    std::int64_t invalid = 0;  ///< messages that must have gone to the DLQ
    std::int64_t resent = 0;   ///< extra copies of an order id (producer re-sends)
    std::map<std::int32_t, std::int64_t> end_offsets;  ///< high watermark per partition
};

struct StoredOrder {
    std::string customer_id;
    std::int64_t total_cents = 0;
};

struct CustomerAggregate {
    std::int64_t orders_count = 0;
    std::int64_t total_spent_cents = 0;
    std::int64_t sorted_set_size = 0;
};

/// One group's state in Redis and Kafka.
struct GroupState {
    std::string group;
    std::map<std::string, StoredOrder> orders;  ///< by order id
    std::map<std::string, CustomerAggregate> customers;
    redis::GroupStats stats;
    std::map<std::int32_t, std::int64_t> committed;  ///< committed offset per partition
};

/**
 * Every difference as a sentence: missing orders, unexpected orders, orders whose customer or
 * total differ, orders applied more than once (stats.processed above the distinct orders),
 * customer aggregates that do not equal the sums, a dead-lettered count unlike the invalid
 * messages, and committed offsets behind the log end. Empty when the group is consistent.
 */
std::vector<std::string> compare(const LogContents& log, const GroupState& state);

}  // namespace orderflow::audit
