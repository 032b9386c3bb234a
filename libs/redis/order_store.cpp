#include "redis/order_store.h"

#include <nlohmann/json.hpp>

namespace orderflow::redis {
namespace {

// KEYS: stats, offsets, and for an order also the order hash, the customer hash and the
// customer's sorted set: every key the script touches (Redis Cluster and proxies route by
// them). ARGV: kind ("order" | "dead"), slot ("topic:partition"), offset; for orders also
// order_id, created_at, total_cents, then the order hash as field/value pairs (stored_at, the
// time of the write, among them: the script never reads a clock, so replicas and AOF replay
// write the same value).
// Returns 1 applied, 0 duplicate, 2 dead-lettered. stats also counts `customers`: a customer's
// first order adds one (what the console shows without scanning every customer key).
//
// An order is a duplicate only when its id is stored: a topic deleted and re-created starts
// its offsets low again, and an old offset mark must not swallow its new orders. Applying an
// order moves the partition's mark to its offset (lower after a re-creation); a duplicate only
// raises it. A dead letter has no id, so the mark decides for it: at or below -> duplicate.
constexpr const char* kWriteScript = R"lua(
local stats, offsets = KEYS[1], KEYS[2]
local kind, slot = ARGV[1], ARGV[2]
local offset = tonumber(ARGV[3])
local last = tonumber(redis.call('HGET', offsets, slot) or '-1')
if kind == 'dead' then
  if offset <= last then
    redis.call('HINCRBY', stats, 'duplicates_skipped', 1)
    return 0
  end
  redis.call('HSET', offsets, slot, offset)
  redis.call('HINCRBY', stats, 'dead_lettered', 1)
  return 2
end
local order_key, customer, customer_orders = KEYS[3], KEYS[4], KEYS[5]
if redis.call('EXISTS', order_key) == 1 then
  if offset > last then
    redis.call('HSET', offsets, slot, offset)
  end
  redis.call('HINCRBY', stats, 'duplicates_skipped', 1)
  return 0
end
redis.call('HSET', offsets, slot, offset)
redis.call('HSET', order_key, unpack(ARGV, 7))
if redis.call('HINCRBY', customer, 'orders_count', 1) == 1 then
  redis.call('HINCRBY', stats, 'customers', 1)
end
redis.call('HINCRBY', customer, 'total_spent_cents', ARGV[6])
redis.call('ZADD', customer_orders, ARGV[5], ARGV[4])
redis.call('HINCRBY', stats, 'processed', 1)
return 1
)lua";

std::string items_json(const orders::Order& order) {
    auto items = nlohmann::json::array();
    for (const auto& item : order.items) {
        items.push_back({{"sku", item.sku},
                         {"name", item.name},
                         {"quantity", item.quantity},
                         {"unit_price_cents", item.unit_price_cents}});
    }
    return items.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::int64_t integer_field(const Reply& hash, const std::string& name) {
    for (std::size_t i = 0; i + 1 < hash.elements.size(); i += 2) {
        if (hash.elements[i].str == name) {
            return std::stoll(hash.elements[i + 1].str);
        }
    }
    return 0;
}

}  // namespace

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

std::string_view OrderStore::script() {
    return kWriteScript;
}

std::string order_key(const std::string& group, const std::string& order_id) {
    return "order:" + group + ":" + order_id;
}
std::string customer_key(const std::string& group, const std::string& customer_id) {
    return "customer:" + group + ":" + customer_id;
}
std::string customer_orders_key(const std::string& group, const std::string& customer_id) {
    return customer_key(group, customer_id) + ":orders";
}
std::string stats_key(const std::string& group) {
    return "stats:" + group;
}
std::string offsets_key(const std::string& group) {
    return "offsets:" + group;
}

OrderStore::OrderStore(Connection& connection, std::string group)
    : connection_(connection), group_(std::move(group)) {}

void OrderStore::load_script() {
    const auto reply = connection_.command({"SCRIPT", "LOAD", kWriteScript});
    if (reply.is_error() || reply.str.empty()) {
        throw RedisError("redis " + connection_.address() + ": SCRIPT LOAD failed: " + reply.str);
    }
    sha_ = reply.str;
}

Command OrderStore::script_call(const StoreEntry& entry, const std::string& stored_at_ms) const {
    const auto keys = script_keys(group_, entry);
    Command args = {"EVALSHA", sha_, std::to_string(keys.size())};
    args.insert(args.end(), keys.begin(), keys.end());
    args.insert(args.end(), {entry.order ? "order" : "dead",
                             entry.topic + ":" + std::to_string(entry.partition),
                             std::to_string(entry.offset)});
    if (!entry.order) {
        return args;
    }
    const auto& order = *entry.order;
    args.insert(args.end(), {order.order_id, std::to_string(order.created_at_ms),
                             std::to_string(order.total_cents)});
    for (auto& [field, value] : order_fields(order)) {
        args.push_back(field);
        args.push_back(std::move(value));
    }
    args.insert(args.end(), {"topic", entry.topic, "partition", std::to_string(entry.partition),
                             "offset", std::to_string(entry.offset), "stored_at", stored_at_ms});
    return args;
}

std::vector<WriteOutcome> OrderStore::write(const std::vector<StoreEntry>& entries,
                                            std::int64_t stored_at_ms) {
    if (entries.empty()) {
        return {};
    }
    const auto stored_at = std::to_string(stored_at_ms);
    // Twice at most: a Redis that restarted has forgotten the script (NOSCRIPT); loading it
    // again and repeating the batch is safe since the script is idempotent.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (sha_.empty() || !connection_.connected()) {
            load_script();
        }
        std::vector<Command> calls;
        calls.reserve(entries.size());
        for (const auto& entry : entries) {
            calls.push_back(script_call(entry, stored_at));
        }
        const auto replies = connection_.pipeline(calls);
        std::vector<WriteOutcome> outcomes;
        bool reload = false;
        for (const auto& reply : replies) {
            if (reply.is_error()) {
                if (reply.str.starts_with("NOSCRIPT")) {
                    reload = true;
                    break;
                }
                throw RedisError("redis " + connection_.address() +
                                 ": order script failed: " + reply.str);
            }
            outcomes.push_back(reply.integer == 1   ? WriteOutcome::kApplied
                               : reply.integer == 2 ? WriteOutcome::kDeadLettered
                                                    : WriteOutcome::kDuplicate);
        }
        if (!reload) {
            return outcomes;
        }
        sha_.clear();
    }
    throw RedisError("redis " + connection_.address() + ": the order script keeps disappearing");
}

GroupStats OrderStore::stats() {
    const auto reply = connection_.command({"HGETALL", stats_key(group_)});
    if (reply.is_error()) {
        throw RedisError("redis " + connection_.address() + ": HGETALL failed: " + reply.str);
    }
    return {integer_field(reply, "processed"), integer_field(reply, "duplicates_skipped"),
            integer_field(reply, "dead_lettered")};
}

std::map<std::string, std::int64_t> OrderStore::last_offsets() {
    const auto reply = connection_.command({"HGETALL", offsets_key(group_)});
    if (reply.is_error()) {
        throw RedisError("redis " + connection_.address() + ": HGETALL failed: " + reply.str);
    }
    std::map<std::string, std::int64_t> offsets;
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        offsets[reply.elements[i].str] = std::stoll(reply.elements[i + 1].str);
    }
    return offsets;
}

}  // namespace orderflow::redis
