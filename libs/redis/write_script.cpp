#include "redis/write_script.h"

#include "orders/validation.h"
#include "redis/key_names.h"

#include <nlohmann/json.hpp>

namespace orderflow::redis {
namespace {

// KEYS: stats, offsets, and for an order also the order hash, the customer hash and the
// customer's sorted set: every key the script touches (Redis Cluster and proxies route by
// them). ARGV: kind ("order" | "dead"), slot ("topic:partition"), offset; for orders also
// order_id, created_at, total_cents, the number n of compared fields, then the order hash as
// field/value pairs, the n compared ones first (stored_at, the time of the write, among the
// rest: the script never reads a clock, so replicas and AOF replay write the same value).
// Returns {1} applied, {0} duplicate, {2} dead-lettered; a refused order also returns its
// kind and reason: {2 or 0, kind, reason}. stats also counts `customers`: a customer's first
// order adds one (what the console shows without scanning every customer key).
//
// Everything that could fail is checked before the first write (the user's ACL, key types, the
// customer's sum), so a call writes a whole order or nothing. An order is a duplicate only when its
// id is stored with the same compared fields; with others it is refused as a conflicting duplicate.
// Offsets alone never decide for an order: a topic deleted and re-created starts its offsets
// low again, and an old offset mark must not swallow its new orders. Applying an order moves
// the partition's mark to its offset (lower after a re-creation); a duplicate only raises it.
// A dead letter (and a refused order) is counted once: at or below the mark -> duplicate.
// Redis's ACL checks each call when the script makes it, and a refused call would stop the
// script after earlier writes; so every write a call may make is checked first
// (redis.acl_check_cmd, Redis 7), and a refusal (NOPERM, naming command and key) writes nothing.
// The bounds are orders::kMaxAmountCents and kMaxCustomerTotalCents (2^53 - 1: Lua's numbers
// are doubles), written out so the source is what Redis runs (a unit test compares them).
constexpr const char* kWriteScript = R"lua(
local stats, offsets = KEYS[1], KEYS[2]
local kind, slot = ARGV[1], ARGV[2]
local offset = tonumber(ARGV[3])
if redis.acl_check_cmd then
  local writes = {{'HSET', offsets, 'f', '0'}, {'HINCRBY', stats, 'f', '1'}}
  if kind ~= 'dead' then
    writes[3] = {'HSET', KEYS[3], 'f', 'v'}
    writes[4] = {'HINCRBY', KEYS[4], 'f', '1'}
    writes[5] = {'ZADD', KEYS[5], '0', 'm'}
  end
  for _, w in ipairs(writes) do
    if not redis.acl_check_cmd(unpack(w)) then
      return redis.error_reply('NOPERM the order script may not run ' .. w[1] .. ' on ' .. w[2])
    end
  end
end
local function hash_or_none(t) return t == 'none' or t == 'hash' end
if not hash_or_none(redis.call('TYPE', stats)['ok']) or
   not hash_or_none(redis.call('TYPE', offsets)['ok']) then
  return redis.error_reply('store-refused: ' .. stats .. ' or ' .. offsets .. ' is not a hash')
end
local last = tonumber(redis.call('HGET', offsets, slot) or '-1') or -1
local function dead(why, reason)
  if offset <= last then
    redis.call('HINCRBY', stats, 'duplicates_skipped', 1)
    return {0, why, reason}
  end
  redis.call('HSET', offsets, slot, offset)
  redis.call('HINCRBY', stats, 'dead_lettered', 1)
  return {2, why, reason}
end
if kind == 'dead' then
  return dead()
end
local order_key, customer, customer_orders = KEYS[3], KEYS[4], KEYS[5]
local order_id, amount, compared = ARGV[4], tonumber(ARGV[6]), tonumber(ARGV[7])
local function refuse(what) return dead('store-refused', 'order ' .. order_id .. ': ' .. what) end
local order_type = redis.call('TYPE', order_key)['ok']
if order_type == 'hash' then
  local names, values = {}, {}
  for i = 8, 7 + 2 * compared, 2 do
    names[#names + 1], values[#values + 1] = ARGV[i], ARGV[i + 1]
  end
  local stored = redis.call('HMGET', order_key, unpack(names))
  for i = 1, #names do
    if stored[i] ~= values[i] then
      return dead('conflicting-duplicate', 'order ' .. order_id ..
                  ' is stored with another ' .. names[i])
    end
  end
  if offset > last then
    redis.call('HSET', offsets, slot, offset)
  end
  redis.call('HINCRBY', stats, 'duplicates_skipped', 1)
  return {0}
elseif order_type ~= 'none' then
  return refuse(order_key .. ' holds a ' .. order_type .. ', not an order hash')
end
local customer_type = redis.call('TYPE', customer)['ok']
if not hash_or_none(customer_type) then
  return refuse(customer .. ' holds a ' .. customer_type .. ', not a customer hash')
end
local set_type = redis.call('TYPE', customer_orders)['ok']
if set_type ~= 'none' and set_type ~= 'zset' then
  return refuse(customer_orders .. ' holds a ' .. set_type .. ', not a sorted set')
end
local spent_text = redis.call('HGET', customer, 'total_spent_cents') or '0'
local spent = tonumber(spent_text)
if amount == nil or amount < 0 or amount > 1000000000000000 then
  return refuse('total_cents ' .. ARGV[6] .. ' is outside [0, 1000000000000000]')
end
if spent == nil or spent + amount > 9007199254740991 then
  return refuse('total_spent_cents ' .. spent_text .. ' of ' .. customer .. ' plus ' .. ARGV[6] ..
                ' would pass 9007199254740991')
end
redis.call('HSET', offsets, slot, offset)
redis.call('HSET', order_key, unpack(ARGV, 8))
if redis.call('HINCRBY', customer, 'orders_count', 1) == 1 then
  redis.call('HINCRBY', stats, 'customers', 1)
end
redis.call('HINCRBY', customer, 'total_spent_cents', ARGV[6])
redis.call('ZADD', customer_orders, ARGV[5], order_id)
redis.call('HINCRBY', stats, 'processed', 1)
return {1}
)lua";

std::string items_json(const orders::Order& order) {
    // Stored with each item's keys sorted (nlohmann::json keeps them so), as every stored order
    // already is: the script compares a redelivered order's items with them byte for byte.
    const nlohmann::json items = orders::items_to_json(order);
    return items.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string to_string(RefusalKind kind) {
    switch (kind) {
        case RefusalKind::kInvalidOrder:
            return "invalid-order";
        case RefusalKind::kConflictingDuplicate:
            return "conflicting-duplicate";
        case RefusalKind::kStoreRefused:
            return "store-refused";
    }
    return "store-refused";
}

std::vector<std::pair<std::string, std::string>> order_fields(const orders::Order& order) {
    return {{"order_id", order.order_id},
            {"customer_id", order.customer_id},
            {"items", items_json(order)},
            {"total_cents", std::to_string(order.total_cents)},
            {"currency", order.currency},
            {"created_at", std::to_string(order.created_at_ms)},
            {"status", order.status},
            {"payment_method", order.payment_method},
            {"shipping_country", order.shipping_country}};
}

std::vector<std::string> script_keys(const std::string& group, const StoreEntry& entry) {
    std::vector<std::string> keys = {stats_key(group), offsets_key(group)};
    if (entry.order) {
        keys.push_back(order_key(group, entry.order->order_id));
        keys.push_back(customer_key(group, entry.order->customer_id));
        keys.push_back(customer_orders_key(group, entry.order->customer_id));
    }
    return keys;
}

std::string_view write_script() {
    return kWriteScript;
}

Command write_call(const std::string& sha,
                   const std::string& group,
                   const StoreEntry& entry,
                   const std::string& stored_at_ms,
                   std::optional<std::string>& refused) {
    refused.reset();
    if (entry.order) {
        if (auto problems = orders::validation_summary(*entry.order); !problems.empty()) {
            refused = "invalid order " + entry.order->order_id + ": " + problems;
        }
    }
    const bool as_order = entry.order && !refused;
    const auto keys = script_keys(group, as_order ? entry : StoreEntry{});
    Command args = {"EVALSHA", sha, std::to_string(keys.size())};
    args.insert(args.end(), keys.begin(), keys.end());
    args.insert(args.end(),
                {as_order ? "order" : "dead", entry.topic + ":" + std::to_string(entry.partition),
                 std::to_string(entry.offset)});
    if (!as_order) {
        return args;
    }
    const auto& order = *entry.order;
    auto fields = order_fields(order);
    args.insert(args.end(), {order.order_id, std::to_string(order.created_at_ms),
                             std::to_string(order.total_cents), std::to_string(fields.size())});
    for (auto& [field, value] : fields) {
        args.push_back(field);
        args.push_back(std::move(value));
    }
    args.insert(args.end(), {"topic", entry.topic, "partition", std::to_string(entry.partition),
                             "offset", std::to_string(entry.offset), "stored_at", stored_at_ms});
    return args;
}

}  // namespace orderflow::redis
