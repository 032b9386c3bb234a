#pragma once

// The audit's verdict, pure: what the orders topic holds below the cut against what a group
// put in Redis. Built for a live pipeline and a million orders: an order of the topic is kept
// as 32-bit digests of its fields, stored orders are compared as they are read, and whatever
// a consumer has not reached yet (or wrote past the cut) is counted as in flight.

#include "orders/order.h"
#include "redis/order_store.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace orderflow::audit {

/// The order hash's fields the audit compares, as redis::order_fields() names them.
inline constexpr std::array<const char*, 9> kComparedFields = {
    "order_id",   "customer_id", "items",          "total_cents",     "currency",
    "created_at", "status",      "payment_method", "shipping_country"};

/// One 32-bit digest per compared field: enough to see a change, small for a million orders.
using FieldDigests = std::array<std::uint32_t, kComparedFields.size()>;

/// `values` in kComparedFields order; a missing field is std::nullopt.
FieldDigests digest(const std::vector<std::optional<std::string>>& values);

/// A (partition, offset) of the orders topic.
using Position = std::pair<std::int32_t, std::int64_t>;

/// The orders topic from its beginning up to the cut, and the dead-letter topic.
class LogIndex {
public:
    struct Entry {
        FieldDigests fields{};
        std::int64_t total_cents = 0;
        std::uint32_t customer = 0;  ///< index into customer_name()
        std::int32_t partition = 0;
        std::int64_t offset = 0;  ///< of the first copy
    };

    /// The cut: the log end per partition, taken after the groups' committed offsets.
    explicit LogIndex(std::map<std::int32_t, std::int64_t> cut);

    /// A second copy counts as re-sent; one with other content as invalid (the store refuses
    /// it as a conflicting duplicate: both copies are in one partition, keyed by customer).
    void add_order(const orders::Order& order, Position at);
    void add_invalid(Position at);
    /// A record of the dead-letter topic (at `record` there) naming its source (headers
    /// dlq.source.*, group).
    void add_dead_letter(const std::string& group,
                         const std::string& source_topic,
                         Position source,
                         Position record = {-1, -1});
    /// A message of the topic that `orderflow dlq redrive` sent from the dead-letter record at
    /// `record` (headers dlq.redrive.*).
    void add_redriven_copy(Position record) { redrive_records_.insert(record); }
    /// Whether a dead-lettered source message was sent back by a redrive: its dead letters are
    /// then no difference even though the message decodes now (its cause was fixed).
    bool redriven(Position source) const;

    const std::map<std::int32_t, std::int64_t>& cut() const { return cut_; }
    /// True when `at` lies below the cut (a partition the cut does not know is not).
    bool below_cut(Position at) const;
    const Entry* find(const std::string& order_id) const;
    const std::unordered_map<std::string, Entry>& orders() const { return orders_; }
    const std::set<Position>& invalid() const { return invalid_; }
    /// Distinct source positions the dead-letter topic holds for `group` (this topic only).
    const std::set<Position>& dead_letters(const std::string& group) const;
    const std::string& customer_name(std::uint32_t index) const { return customers_[index]; }

    std::int64_t messages() const { return messages_; }
    std::int64_t resent() const { return resent_; }
    std::int64_t dead_letter_records() const { return dead_letter_records_; }
    void set_topic(std::string topic) { topic_ = std::move(topic); }

private:
    std::map<std::int32_t, std::int64_t> cut_;
    std::string topic_;
    std::unordered_map<std::string, Entry> orders_;
    std::set<Position> invalid_;
    std::map<std::string, std::set<Position>> dead_letters_;
    std::map<Position, Position> dead_letter_sources_;  // dead-letter record -> its source
    std::set<Position> redrive_records_;
    std::vector<std::string> customers_;
    std::unordered_map<std::string, std::uint32_t> customer_index_;
    std::int64_t messages_ = 0;
    std::int64_t resent_ = 0;
    std::int64_t dead_letter_records_ = 0;
};

/// One customer's aggregates and sorted set, read atomically (MULTI/EXEC).
struct CustomerSnapshot {
    std::int64_t orders_count = 0;
    std::int64_t total_spent_cents = 0;
    std::vector<std::string> order_ids;  ///< members of customer:{g}:{c}:orders
};

/// What one group's audit found.
struct Findings {
    std::vector<std::string> differences;
    std::int64_t not_yet_consumed = 0;  ///< below the cut, at or after the committed offset
    std::int64_t stored_past_cut = 0;   ///< stored orders the topic had not reached at the cut
    std::int64_t uncommitted = 0;       ///< messages between committed offsets and the cut
    std::int64_t dead_letters_past_cut = 0;
    std::int64_t stored = 0;  ///< distinct stored orders seen
    std::int64_t customers = 0;

    std::int64_t in_flight() const {
        return not_yet_consumed + stored_past_cut + uncommitted + dead_letters_past_cut;
    }
};

/**
 * One group against the log. Feed it every stored order (add_stored, any order, repeats
 * ignored), then every customer (add_customer, after the orders its sorted set names were
 * added), then call finish(). Stats and committed offsets must have been read before the
 * cut was taken and before Redis was scanned, so that on a live pipeline each check only
 * compares things that can no longer move in the wrong direction:
 * - an order below the cut is compared field by field; missing only when its offset is
 *   below the committed offset (else not yet consumed);
 * - a stored order past the cut is in flight; one below it and not in the topic is a
 *   difference;
 * - a customer's orders_count and total_spent_cents equal the count and sum of the stored
 *   orders its sorted set names, and every stored order is in its customer's sorted set;
 * - processed <= stored orders; dead_lettered <= distinct dead-letter records, and >= the
 *   invalid messages below the committed offset, each of which is in the dead-letter topic,
 *   and every dead-letter record below the cut names an invalid message;
 * - a committed offset is never past the log end.
 */
class GroupAudit {
public:
    GroupAudit(const LogIndex& log,
               std::string group,
               std::map<std::int32_t, std::int64_t> committed,
               redis::GroupStats stats);

    /// `values`: kComparedFields then "partition", "offset" (std::nullopt when missing).
    void add_stored(const std::string& order_id,
                    const std::vector<std::optional<std::string>>& values);
    /// Whether add_stored() saw `order_id` (a sorted set may name orders stored after the
    /// scan; the caller reads those and adds them before add_customer()).
    bool knows(const std::string& order_id) const { return stored_.contains(order_id); }
    void add_customer(const std::string& customer_id, const CustomerSnapshot& snapshot);

    Findings finish();

private:
    struct Stored {
        std::string customer_id;
        std::int64_t total_cents = 0;
        bool in_sorted_set = false;
    };

    void difference(std::string text);
    std::int64_t committed(std::int32_t partition) const;

    const LogIndex& log_;
    std::string group_;
    std::map<std::int32_t, std::int64_t> committed_;
    redis::GroupStats stats_;
    std::unordered_map<std::string, Stored> stored_;
    Findings findings_;
};

}  // namespace orderflow::audit
