#pragma once

// The one place that names the store's keys. Ids (group, order, customer) are percent-encoded
// inside key names so that keys of different kinds never collide whatever an id holds: customer
// "c1:orders" must not name customer "c1"'s sorted set, and no id can open or close a hash tag.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orderflow::redis {

/// `id` with '%', ':', the hash-tag braces, the SCAN glob bytes (* ? [ ] \) and control bytes
/// written as %XX (upper-case hex); every other byte as it is.
std::string encode_key_part(std::string_view id);
/// The inverse of encode_key_part(); nullopt when `part` is not something it returns.
std::optional<std::string> decode_key_part(std::string_view part);

// The layout (docs/redis-cluster.md): every key one store call touches carries the partition tag
// of its (group, partition), "{g:p:n}", so that on a Redis Cluster they share one slot; n, the
// spread number, places the tags of a group's partitions apart in the slot space, hence on
// different masters. On one Redis the tags are only bytes of the names.

/// "{g:p:n}": the hash tag of group `group`'s partition `partition` (n: spread_number()).
std::string partition_tag(const std::string& group, std::int32_t partition);
/// The smallest n >= 0 whose tag's slot lies within 256 slots after the partition's target point
/// (partition x 0.618... mod 1 of the slot space, the golden-ratio sequence, turned by a hash of
/// the group); 0 when none of the first 4096 does (never seen: each try has a 1 in 64 chance).
/// Depends on its arguments only.
std::uint32_t spread_number(const std::string& group, std::int32_t partition);

/// order:{g:p:n}:{order id}: the order hash.
std::string order_key(const std::string& group,
                      std::int32_t partition,
                      const std::string& order_id);
/// customer:{g:p:n}:{customer id}: orders_count and total_spent_cents of the partition's orders.
std::string customer_key(const std::string& group,
                         std::int32_t partition,
                         const std::string& customer_id);
/// customer:{g:p:n}:{customer id}:orders: the customer's order ids by created-at.
std::string customer_orders_key(const std::string& group,
                                std::int32_t partition,
                                const std::string& customer_id);
/// stats:{g:p:n}: processed, duplicates_skipped, dead_lettered, customers of the partition; a
/// group's totals are the sum over its partitions.
std::string stats_key(const std::string& group, std::int32_t partition);
/// offsets:{g:p:n}: hash "topic:partition" -> last applied offset.
std::string offsets_key(const std::string& group, std::int32_t partition);
/// watch:{g:p:n}:{token}: a consumer's marker that Redis still holds what it wrote there (it
/// expires).
std::string watch_key(const std::string& group, std::int32_t partition, const std::string& token);
/// partitions:{group}: the set of partitions the group has stored something of, so that readers
/// know which tags to look in (a key of its own slot, written apart from the store calls).
std::string partitions_key(const std::string& group);

/// "order:{g:" and "customer:{g:": what every key of the kind of any partition starts with.
std::string order_key_prefix(const std::string& group);
std::string customer_key_prefix(const std::string& group);
/// The prefix plus '*': a SCAN MATCH pattern (an encoded group holds no glob byte).
std::string order_key_pattern(const std::string& group);
std::string customer_key_pattern(const std::string& group);

/// The order id a key of order_key_pattern() names; nullopt for a key that is not one.
std::optional<std::string> order_id_of(const std::string& group, std::string_view key);
/// The customer id a customer hash or sorted set key names; nullopt for a foreign key.
std::optional<std::string> customer_id_of(const std::string& group, std::string_view key);
/// The partition a key of the group names in its tag; nullopt for a key without one.
std::optional<std::int32_t> partition_of(const std::string& group, std::string_view key);
/// The group a partitions key names; nullopt for a foreign key.
std::optional<std::string> group_of_partitions_key(std::string_view key);

}  // namespace orderflow::redis
