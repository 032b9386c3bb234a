// The order views as docs/console-api.md's /api/redis/groups, /api/redis/customers/{id} and the
// "groups" of /api/orders/{id}.

#include "redis_browser/order_views.h"
#include "redis_browser/text.h"

namespace orderflow::redis_browser {
namespace {

using nlohmann::json;

json optional_number(const std::optional<std::int64_t>& value) {
    return value ? json(*value) : json(nullptr);
}

json hash_json(const StoredHash& hash) {
    auto fields = json::object();
    for (const auto& [name, value] : hash.fields) {
        fields[as_utf8(name)] = as_utf8(value);
    }
    return {{"key", as_utf8(hash.key)}, {"fields", std::move(fields)}};
}

json order_json(const OrderInGroup& stored) {
    auto out = hash_json(stored.order);
    out["stored_at_ms"] = optional_number(stored.stored_at_ms);
    out["topic"] = stored.position ? json(as_utf8(stored.position->topic)) : json(nullptr);
    out["partition"] = stored.position ? json(stored.position->partition) : json(nullptr);
    out["offset"] = stored.position ? json(stored.position->offset) : json(nullptr);
    out["customer"] = stored.customer ? hash_json(*stored.customer) : json(nullptr);
    return out;
}

json customer_json(const CustomerInGroup& customer) {
    auto orders = json::array();
    for (const auto& id : customer.orders) {
        orders.push_back(as_utf8(id));
    }
    return {{"orders_count", customer.orders_count},
            {"total_spent_cents", customer.total_spent_cents},
            {"orders", std::move(orders)},
            {"orders_total", customer.orders_total}};
}

}  // namespace

json to_json(const GroupsStats& stats) {
    auto groups = json::array();
    for (const auto& g : stats.groups) {
        groups.push_back({{"group", as_utf8(g.group)},
                          {"orders", g.orders},
                          {"duplicates", g.duplicates},
                          {"dead", g.dead},
                          {"customers", optional_number(g.customers)}});
    }
    return {{"groups", std::move(groups)}};
}

json to_json(const CustomerView& customer) {
    auto groups = json::object();
    for (const auto& [group, in_group] : customer.groups) {
        groups[as_utf8(group)] = in_group ? customer_json(*in_group) : json(nullptr);
    }
    return {{"customer_id", as_utf8(customer.customer_id)}, {"groups", std::move(groups)}};
}

json to_json(const OrderView& order) {
    auto groups = json::object();
    for (const auto& [group, stored] : order.groups) {
        groups[as_utf8(group)] = stored ? order_json(*stored) : json(nullptr);
    }
    return {{"order_id", as_utf8(order.order_id)}, {"groups", std::move(groups)}};
}

}  // namespace orderflow::redis_browser
