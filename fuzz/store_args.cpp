// The order -> store arguments (libs/orders, libs/redis store_call): a decoded order may hold
// any strings and numbers its schema allows. Two such orders (built from the input with
// FuzzedDataProvider) go through the consumer's checks, the order hash's fields and the FCALL
// of the store function. Whatever the ids contain, a key names one kind of thing only: an
// order, a customer, a customer's order set, the stats or the offsets.

#include "orders/order.h"
#include "orders/validation.h"
#include "redis/key_names.h"
#include "redis/key_slot.h"
#include "redis/store_call.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fuzzer/FuzzedDataProvider.h>
#include <map>
#include <string>
#include <vector>

namespace {

using orderflow::orders::Order;

Order make_order(FuzzedDataProvider& input) {
    Order order;
    order.order_id = input.ConsumeRandomLengthString(64);
    order.customer_id = input.ConsumeRandomLengthString(64);
    const auto items = input.ConsumeIntegralInRange<int>(0, 4);
    for (int i = 0; i < items; ++i) {
        orderflow::orders::OrderItem item;
        item.sku = input.ConsumeRandomLengthString(16);
        item.name = input.ConsumeRandomLengthString(16);
        item.quantity = input.ConsumeIntegral<std::int32_t>();
        item.unit_price_cents = input.ConsumeIntegral<std::int64_t>();
        order.items.push_back(item);
    }
    order.total_cents = input.ConsumeIntegral<std::int64_t>();
    order.currency = input.ConsumeRandomLengthString(8);
    order.created_at_ms = input.ConsumeIntegral<std::int64_t>();
    order.status = input.ConsumeRandomLengthString(16);
    order.payment_method = input.ConsumeRandomLengthString(16);
    order.shipping_country = input.ConsumeRandomLengthString(4);
    return order;
}

// key -> what it names; a key seen with two meanings is a collision.
void claim(std::map<std::string, std::string>& kinds,
           const std::string& key,
           const std::string& kind) {
    const auto [it, added] = kinds.emplace(key, kind);
    if (!added && it->second != kind) {
        std::fprintf(stderr, "key %s names both %s and %s\n", key.c_str(), it->second.c_str(),
                     kind.c_str());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const std::string group = "orders-consumer";
    std::map<std::string, std::string> kinds;
    std::vector<orderflow::redis::StoreEntry> entries;
    for (int i = 0; i < 2; ++i) {
        const auto order = make_order(input);
        const auto partition = input.ConsumeIntegral<std::int32_t>();
        entries.push_back({.topic = "orders",
                           .partition = partition,
                           .offset = input.ConsumeIntegral<std::int64_t>(),
                           .order = order});
        (void)orderflow::redis::order_fields(order);
        // One call's keys share the partition's slot, whatever the ids hold.
        const auto keys = orderflow::redis::order_keys(group, partition, order);
        const auto slot = orderflow::redis::key_slot(orderflow::redis::stats_key(group, partition));
        if (keys.size() != 3 || orderflow::redis::key_slot(keys[0]) != slot ||
            orderflow::redis::key_slot(keys[1]) != slot ||
            orderflow::redis::key_slot(keys[2]) != slot) {
            std::abort();
        }
        const auto p = " of partition " + std::to_string(partition);
        claim(kinds, orderflow::redis::stats_key(group, partition), "stats" + p);
        claim(kinds, orderflow::redis::offsets_key(group, partition), "offsets" + p);
        claim(kinds, orderflow::redis::order_key(group, partition, order.order_id),
              "order " + order.order_id + p);
        claim(kinds, orderflow::redis::customer_key(group, partition, order.customer_id),
              "customer " + order.customer_id + p);
        claim(kinds, orderflow::redis::customer_orders_key(group, partition, order.customer_id),
              "orders of customer " + order.customer_id + p);
        // What the consumer checks before it stores anything (after the keys, so that a key
        // collision is told apart from a bad sum in the same input).
        (void)orderflow::orders::validate(order);
        (void)orderflow::orders::to_json(order);
    }
    // One call per partition; an order fails validation -> sent as a dead letter, without keys.
    std::vector<bool> as_dead;
    for (const auto& entry : entries) {
        as_dead.push_back(orderflow::redis::invalid_reason(entry).has_value());
    }
    for (const auto& call : orderflow::redis::plan_calls(entries)) {
        const auto command = orderflow::redis::store_call("f", group, entries, call, as_dead, "1");
        std::size_t orders = 0;
        for (const auto i : call) {
            orders += as_dead[i] ? 0 : 1;
        }
        if (command.size() < 3 || command[2] != std::to_string(2 + 3 * orders)) {
            std::abort();
        }
    }
    return 0;
}
