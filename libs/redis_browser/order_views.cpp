#include "redis_browser/order_views.h"

#include "redis/key_names.h"
#include "redis/store_reads.h"
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

/// A sorted set's score as Redis prints it; 0 for anything else.
double score_of(const std::string& text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() ? value : 0;
}

}  // namespace

bool CustomerView::found() const {
    return std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.second; });
}

bool OrderView::found() const {
    return std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.second; });
}

GroupsStats group_stats(redis::Client& redis, const std::vector<std::string>& groups) {
    const auto partitions = redis::groups_partitions(redis, groups);
    GroupsStats stats;
    for (const auto& group : groups) {
        const auto totals = redis::partition_stats(redis, group, partitions.at(group));
        stats.groups.push_back({group, totals.processed, totals.duplicates_skipped,
                                totals.dead_lettered, totals.customers});
    }
    return stats;
}

std::vector<std::string> discover_groups(redis::Client& redis) {
    std::vector<std::string> groups;
    for (const auto& node : redis.nodes()) {
        std::string cursor = "0";
        do {
            auto step = scan_step(redis, node,
                                  {"SCAN", cursor, "MATCH", redis::partitions_key("") + "*",
                                   "COUNT", "1000", "TYPE", "set"});
            cursor = std::move(step.cursor);
            for (const auto& key : step.items) {
                if (auto group = redis::group_of_partitions_key(key)) {  // encoded as written
                    groups.push_back(std::move(*group));
                }
            }
        } while (cursor != "0");
    }
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    return groups;
}

CustomerView lookup_customer(redis::Client& redis,
                             const std::vector<std::string>& groups,
                             const std::string& customer_id,
                             std::size_t orders_limit) {
    check_not_empty(customer_id, "customer id");
    check_count(orders_limit, "orders limit");
    // Each group's pieces of the customer, one per partition (normally one holds anything).
    const auto partitions = redis::groups_partitions(redis, groups);
    std::vector<redis::Command> commands;
    std::vector<std::size_t> pieces;
    for (const auto& group : groups) {
        pieces.push_back(partitions.at(group).size());
        for (const auto partition : partitions.at(group)) {
            const auto orders = redis::customer_orders_key(group, partition, customer_id);
            commands.push_back({"HGETALL", redis::customer_key(group, partition, customer_id)});
            commands.push_back(
                {"ZREVRANGE", orders, "0", std::to_string(orders_limit - 1), "WITHSCORES"});
            commands.push_back({"ZCARD", orders});
        }
    }
    const auto replies = redis.pipeline(commands);
    CustomerView view{customer_id, {}};
    std::size_t at = 0;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        auto& slot = view.groups[groups[i]];
        std::optional<CustomerInGroup> customer;
        std::vector<std::pair<double, std::string>> newest;
        for (std::size_t k = 0; k < pieces[i]; ++k, at += 3) {
            const auto fields = hash_fields(checked(replies[at], redis, "HGETALL"));
            const auto& orders = checked(replies[at + 1], redis, "ZREVRANGE");
            const auto& total = checked(replies[at + 2], redis, "ZCARD");
            if (fields.empty() && total.integer == 0) {
                continue;
            }
            if (!customer) {
                customer = CustomerInGroup{};
            }
            customer->orders_count += integer(fields, "orders_count").value_or(0);
            customer->total_spent_cents += integer(fields, "total_spent_cents").value_or(0);
            customer->orders_total += total.integer;
            for (std::size_t m = 0; m + 1 < orders.elements.size(); m += 2) {
                newest.emplace_back(score_of(orders.elements[m + 1].str), orders.elements[m].str);
            }
        }
        if (!customer) {
            continue;
        }
        std::stable_sort(newest.begin(), newest.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        for (std::size_t m = 0; m < newest.size() && m < orders_limit; ++m) {
            customer->orders.push_back(newest[m].second);
        }
        slot = std::move(customer);
    }
    return view;
}

OrderView lookup_order(redis::Client& redis,
                       const std::vector<std::string>& groups,
                       const std::string& order_id) {
    check_not_empty(order_id, "order id");
    // The order in every partition's tag of each group (its partition is not in its id).
    const auto partitions = redis::groups_partitions(redis, groups);
    std::vector<redis::Command> orders;
    std::vector<std::pair<std::size_t, std::int32_t>> asked;  // group index, partition
    for (std::size_t i = 0; i < groups.size(); ++i) {
        for (const auto partition : partitions.at(groups[i])) {
            orders.push_back({"HGETALL", redis::order_key(groups[i], partition, order_id)});
            asked.emplace_back(i, partition);
        }
    }
    const auto order_replies = redis.pipeline(orders);
    OrderView view{order_id, {}};
    for (const auto& group : groups) {
        view.groups[group];
    }
    std::vector<redis::Command> customers;
    std::vector<std::string> customer_groups;
    for (std::size_t k = 0; k < orders.size(); ++k) {
        auto fields = hash_fields(checked(order_replies[k], redis, "HGETALL"));
        const auto& group = groups[asked[k].first];
        auto& slot = view.groups[group];
        if (fields.empty() || slot) {
            continue;  // a second copy (the topic's partitions changed) is left to the audit
        }
        OrderInGroup stored{{orders[k][1], {}}, integer(fields, "stored_at"), position(fields), {}};
        if (const auto customer = fields.find("customer_id"); customer != fields.end()) {
            customers.push_back(
                {"HGETALL", redis::customer_key(group, asked[k].second, customer->second)});
            customer_groups.push_back(group);
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
