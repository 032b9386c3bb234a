#pragma once

// The one place that names the store's keys. Ids (group, order, customer) are percent-encoded
// inside key names so that keys of different kinds never collide whatever an id holds: customer
// "c1:orders" must not name customer "c1"'s sorted set. Ids without the encoded bytes keep
// their plain names (order:{g}:{id}), so existing data and docs stay valid.

#include <optional>
#include <string>
#include <string_view>

namespace orderflow::redis {

/// `id` with '%', ':', the hash-tag braces, the SCAN glob bytes (* ? [ ] \) and control bytes
/// written as %XX (upper-case hex); every other byte as it is.
std::string encode_key_part(std::string_view id);
/// The inverse of encode_key_part(); nullopt when `part` is not something it returns.
std::optional<std::string> decode_key_part(std::string_view part);

/// order:{g}:{order id}: the order hash.
std::string order_key(const std::string& group, const std::string& order_id);
/// customer:{g}:{customer id}: orders_count and total_spent_cents.
std::string customer_key(const std::string& group, const std::string& customer_id);
/// customer:{g}:{customer id}:orders: the customer's order ids by created-at.
std::string customer_orders_key(const std::string& group, const std::string& customer_id);
/// stats:{g}: processed, duplicates_skipped, dead_lettered, customers.
std::string stats_key(const std::string& group);
/// offsets:{g}: hash "topic:partition" -> last applied offset.
std::string offsets_key(const std::string& group);
/// watch:{g}:{token}: a consumer's marker that Redis still holds what it wrote (it expires).
std::string watch_key(const std::string& group, const std::string& token);

/// "order:{g}:" and "customer:{g}:": what every key of the kind starts with, for SCAN.
std::string order_key_prefix(const std::string& group);
std::string customer_key_prefix(const std::string& group);
/// The prefix plus '*': a SCAN MATCH pattern (an encoded group holds no glob byte).
std::string order_key_pattern(const std::string& group);
std::string customer_key_pattern(const std::string& group);

/// The order id a key of order_key_pattern() names; nullopt for a key that is not one.
std::optional<std::string> order_id_of(const std::string& group, std::string_view key);
/// The customer id a customer hash or sorted set key names; nullopt for a foreign key.
std::optional<std::string> customer_id_of(const std::string& group, std::string_view key);
/// The group a stats key names; nullopt for a foreign key.
std::optional<std::string> group_of_stats_key(std::string_view key);

}  // namespace orderflow::redis
