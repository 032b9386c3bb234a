#include "redis_browser/order_views.h"

#include "redis/order_store.h"
#include "redis_browser/reply_check.h"

#include <algorithm>
#include <charconv>

namespace orderflow::redis_browser {
namespace {

std::map<std::string, std::string> hash_fields(const redis::Reply& reply) {
    std::map<std::string, std::string> fields;
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        fields.emplace(reply.elements[i].str, reply.elements[i + 1].str);
    }
    return fields;
}

/// The field as an integer; nullopt when missing or not a whole number.
std::optional<std::int64_t> integer(const std::map<std::string, std::string>& fields,
                                    const std::string& name) {
    const auto it = fields.find(name);
    if (it == fields.end()) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const auto& text = it->second;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<KafkaPosition> position(const std::map<std::string, std::string>& fields) {
    const auto topic = fields.find("topic");
    const auto partition = integer(fields, "partition");
    const auto offset = integer(fields, "offset");
    if (topic == fields.end() || !partition || !offset) {
        return std::nullopt;
    }
    return KafkaPosition{topic->second, static_cast<std::int32_t>(*partition), *offset};
}

}  // namespace

bool CustomerView::found() const {
    return std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.second; });
}

bool OrderView::found() const {
    return std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.second; });
}

GroupsStats group_stats(redis::Connection& redis, const std::vector<std::string>& groups) {
    std::vector<redis::Command> commands;
    commands.reserve(groups.size());
    for (const auto& group : groups) {
        commands.push_back({"HGETALL", redis::stats_key(group)});
    }
    const auto replies = redis.pipeline(commands);
    GroupsStats stats;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const auto fields = hash_fields(checked(replies[i], redis, "HGETALL"));
        stats.groups.push_back({groups[i], integer(fields, "processed").value_or(0),
                                integer(fields, "duplicates_skipped").value_or(0),
                                integer(fields, "dead_lettered").value_or(0),
                                integer(fields, "customers")});
    }
    return stats;
}

std::vector<std::string> discover_groups(redis::Connection& redis) {
    std::vector<std::string> groups;
    std::string cursor = "0";
    do {
        auto step = scan_step(redis, {"SCAN", cursor, "MATCH", redis::stats_key("") + "*", "COUNT",
                                      "1000", "TYPE", "hash"});
        cursor = std::move(step.cursor);
        for (const auto& key : step.items) {
            if (auto group = redis::group_of_stats_key(key)) {  // encoded as the writer does
                groups.push_back(std::move(*group));
            }
        }
    } while (cursor != "0");
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    return groups;
}

CustomerView lookup_customer(redis::Connection& redis,
                             const std::vector<std::string>& groups,
                             const std::string& customer_id,
                             std::size_t orders_limit) {
    check_not_empty(customer_id, "customer id");
    check_count(orders_limit, "orders limit");
    std::vector<redis::Command> commands;
    for (const auto& group : groups) {
        const auto orders = redis::customer_orders_key(group, customer_id);
        commands.push_back({"HGETALL", redis::customer_key(group, customer_id)});
        commands.push_back({"ZREVRANGE", orders, "0", std::to_string(orders_limit - 1)});
        commands.push_back({"ZCARD", orders});
    }
    const auto replies = redis.pipeline(commands);
    CustomerView view{customer_id, {}};
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const auto fields = hash_fields(checked(replies[3 * i], redis, "HGETALL"));
        const auto& orders = checked(replies[3 * i + 1], redis, "ZREVRANGE");
        const auto& total = checked(replies[3 * i + 2], redis, "ZCARD");
        auto& slot = view.groups[groups[i]];
        if (fields.empty() && total.integer == 0) {
            continue;
        }
        CustomerInGroup customer{integer(fields, "orders_count").value_or(0),
                                 integer(fields, "total_spent_cents").value_or(0),
                                 {},
                                 total.integer};
        for (const auto& id : orders.elements) {
            customer.orders.push_back(id.str);
        }
        slot = std::move(customer);
    }
    return view;
}

OrderView lookup_order(redis::Connection& redis,
                       const std::vector<std::string>& groups,
                       const std::string& order_id) {
    check_not_empty(order_id, "order id");
    std::vector<redis::Command> orders;
    for (const auto& group : groups) {
        orders.push_back({"HGETALL", redis::order_key(group, order_id)});
    }
    const auto order_replies = redis.pipeline(orders);
    OrderView view{order_id, {}};
    std::vector<redis::Command> customers;
    std::vector<std::string> customer_groups;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        auto fields = hash_fields(checked(order_replies[i], redis, "HGETALL"));
        auto& slot = view.groups[groups[i]];
        if (fields.empty()) {
            continue;
        }
        OrderInGroup stored{{orders[i][1], {}}, integer(fields, "stored_at"), position(fields), {}};
        if (const auto customer = fields.find("customer_id"); customer != fields.end()) {
            customers.push_back({"HGETALL", redis::customer_key(groups[i], customer->second)});
            customer_groups.push_back(groups[i]);
        }
        stored.order.fields = std::move(fields);
        slot = std::move(stored);
    }
    const auto customer_replies = redis.pipeline(customers);
    for (std::size_t i = 0; i < customers.size(); ++i) {
        auto fields = hash_fields(checked(customer_replies[i], redis, "HGETALL"));
        if (!fields.empty()) {
            view.groups[customer_groups[i]]->customer =
                StoredHash{customers[i][1], std::move(fields)};
        }
    }
    return view;
}

}  // namespace orderflow::redis_browser
