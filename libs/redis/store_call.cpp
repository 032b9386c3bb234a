#include "redis/store_call.h"

#include "orders/validation.h"
#include "redis/key_names.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <map>

namespace orderflow::redis {
namespace {

std::string items_json(const orders::Order& order) {
    // Stored with each item's keys sorted (nlohmann::json keeps them so), as every stored order
    // already is: the function compares a redelivered order's items with them byte for byte.
    const nlohmann::json items = orders::items_to_json(order);
    return items.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RefusalKind refusal_kind(const std::string& text) {
    if (text == "conflicting-duplicate") {
        return RefusalKind::kConflictingDuplicate;
    }
    return text == "invalid-order" ? RefusalKind::kInvalidOrder : RefusalKind::kStoreRefused;
}

[[noreturn]] void malformed(const std::string& what) {
    throw RedisError("the store function answered " + what);
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

std::vector<std::string> order_keys(const std::string& group,
                                    std::int32_t partition,
                                    const orders::Order& order) {
    return {order_key(group, partition, order.order_id),
            customer_key(group, partition, order.customer_id),
            customer_orders_key(group, partition, order.customer_id)};
}

std::optional<std::string> invalid_reason(const StoreEntry& entry) {
    if (!entry.order) {
        return std::nullopt;
    }
    if (auto problems = orders::validation_summary(*entry.order); !problems.empty()) {
        return "invalid order " + entry.order->order_id + ": " + problems;
    }
    return std::nullopt;
}

std::vector<std::vector<std::size_t>> plan_calls(const std::vector<StoreEntry>& entries,
                                                 std::size_t max_per_call) {
    max_per_call = std::max<std::size_t>(max_per_call, 1);
    std::vector<std::vector<std::size_t>> calls;
    std::map<std::pair<std::string, std::int32_t>, std::size_t> open;  // partition -> its call
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto partition = std::make_pair(entries[i].topic, entries[i].partition);
        auto at = open.find(partition);
        if (at == open.end() || calls[at->second].size() >= max_per_call) {
            calls.emplace_back();
            at = open.insert_or_assign(partition, calls.size() - 1).first;
        }
        calls[at->second].push_back(i);
    }
    return calls;
}

Command store_call(const std::string& function,
                   const std::string& group,
                   const std::vector<StoreEntry>& entries,
                   const std::vector<std::size_t>& call,
                   const std::vector<bool>& as_dead,
                   const std::string& stored_at_ms) {
    if (call.empty()) {
        return {};
    }
    const auto& first = entries[call.front()];
    Command keys = {stats_key(group, first.partition), offsets_key(group, first.partition)};
    static const auto kNames = [] {
        std::vector<std::string> names;
        for (auto& [name, value] : order_fields(orders::Order{})) {
            names.push_back(name);
        }
        return names;
    }();
    Command args = {first.topic + ":" + std::to_string(first.partition), first.topic,
                    std::to_string(first.partition), stored_at_ms, std::to_string(kNames.size())};
    args.insert(args.end(), kNames.begin(), kNames.end());
    for (const auto i : call) {
        const auto& entry = entries[i];
        const bool as_order = entry.order && !(i < as_dead.size() && as_dead[i]);
        args.insert(args.end(), {as_order ? "order" : "dead", std::to_string(entry.offset)});
        if (!as_order) {
            continue;
        }
        for (auto& key : order_keys(group, first.partition, *entry.order)) {
            keys.push_back(std::move(key));
        }
        for (auto& [name, value] : order_fields(*entry.order)) {
            args.push_back(std::move(value));
        }
    }
    Command command = {"FCALL", function, std::to_string(keys.size())};
    command.reserve(command.size() + keys.size() + args.size());
    std::move(keys.begin(), keys.end(), std::back_inserter(command));
    std::move(args.begin(), args.end(), std::back_inserter(command));
    return command;
}

CallReply parse_store_reply(const Reply& reply, std::size_t entries) {
    if (reply.type != REDIS_REPLY_ARRAY) {
        malformed("a reply of type " + std::to_string(reply.type) + ", not an array");
    }
    CallReply out;
    const auto& items = reply.elements;
    if (!items.empty() && items[0].type == REDIS_REPLY_STRING && items[0].str == "refused") {
        if (items.size() < 4 || (items.size() - 1) % 3 != 0) {
            malformed("a refusal of " + std::to_string(items.size()) + " elements");
        }
        for (std::size_t i = 1; i + 2 < items.size(); i += 3) {
            const auto entry = items[i].integer;
            if (items[i].type != REDIS_REPLY_INTEGER || entry < 1 ||
                static_cast<std::size_t>(entry) > entries) {
                malformed("a refusal of entry " + std::to_string(entry) + " of " +
                          std::to_string(entries));
            }
            out.refused.push_back({static_cast<std::size_t>(entry - 1),
                                   refusal_kind(items[i + 1].str), items[i + 2].str});
        }
        return out;
    }
    if (items.size() != entries) {
        malformed(std::to_string(items.size()) + " outcomes for " + std::to_string(entries) +
                  " entries");
    }
    for (const auto& item : items) {
        if (item.type != REDIS_REPLY_INTEGER || item.integer < 0 || item.integer > 2) {
            malformed("an outcome that is not 0, 1 or 2");
        }
        out.outcomes.push_back(item.integer == 1   ? WriteOutcome::kApplied
                               : item.integer == 2 ? WriteOutcome::kDeadLettered
                                                   : WriteOutcome::kDuplicate);
    }
    return out;
}

}  // namespace orderflow::redis
