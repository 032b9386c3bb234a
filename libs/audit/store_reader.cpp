#include "audit/store_reader.h"

#include "redis/key_names.h"

#include <functional>
#include <set>

namespace orderflow::audit {
namespace {

constexpr std::size_t kCustomersPerRoundTrip = 20;

/// SCAN over `pattern`, one call of `page` per non-empty page of keys.
void scan(redis::Connection& redis,
          const std::string& pattern,
          const std::function<void(const std::vector<std::string>&)>& page) {
    std::string cursor = "0";
    do {
        const auto reply = redis.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        if (reply.is_error() || reply.elements.size() != 2) {
            throw redis::RedisError("SCAN failed: " + reply.str);
        }
        cursor = reply.elements[0].str;
        std::vector<std::string> keys;
        keys.reserve(reply.elements[1].elements.size());
        for (const auto& key : reply.elements[1].elements) {
            keys.push_back(key.str);
        }
        if (!keys.empty()) {
            page(keys);
        }
    } while (cursor != "0");
}

redis::Command order_fields_command(const std::string& key) {
    redis::Command command = {"HMGET", key};
    command.insert(command.end(), kComparedFields.begin(), kComparedFields.end());
    command.insert(command.end(), {"partition", "offset"});
    return command;
}

/// HMGETs the order hashes of `ids` and adds those that exist.
void add_orders(redis::Connection& redis,
                const std::string& group,
                const std::vector<std::string>& ids,
                GroupAudit& audit) {
    std::vector<redis::Command> commands;
    commands.reserve(ids.size());
    for (const auto& id : ids) {
        commands.push_back(order_fields_command(redis::order_key(group, id)));
    }
    const auto replies = redis.pipeline(commands);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& reply = replies[i];
        if (reply.is_error()) {
            throw redis::RedisError("HMGET " + commands[i][1] + " failed: " + reply.str);
        }
        std::vector<std::optional<std::string>> values;
        bool any = false;
        for (const auto& field : reply.elements) {
            if (field.is_nil()) {
                values.emplace_back(std::nullopt);
            } else {
                values.emplace_back(field.str);
                any = true;
            }
        }
        if (any) {
            audit.add_stored(ids[i], values);
        }
    }
}

std::int64_t to_int(const redis::Reply& reply) {
    return reply.is_nil() || reply.str.empty() ? 0 : std::stoll(reply.str);
}

void add_customers(redis::Connection& redis,
                   const std::string& group,
                   const std::vector<std::string>& customers,
                   GroupAudit& audit) {
    std::vector<redis::Command> commands;
    for (const auto& customer : customers) {
        commands.push_back({"MULTI"});
        commands.push_back(
            {"HMGET", redis::customer_key(group, customer), "orders_count", "total_spent_cents"});
        commands.push_back({"ZRANGE", redis::customer_orders_key(group, customer), "0", "-1"});
        commands.push_back({"EXEC"});
    }
    const auto replies = redis.pipeline(commands);
    std::vector<CustomerSnapshot> snapshots;
    std::vector<std::string> unseen;  // named by a sorted set, stored after the scan
    for (std::size_t i = 0; i < customers.size(); ++i) {
        const auto& exec = replies[i * 4 + 3];
        if (exec.is_error() || exec.elements.size() != 2) {
            throw redis::RedisError("reading customer " + customers[i] + " failed: " + exec.str);
        }
        const auto& aggregates = exec.elements[0].elements;
        CustomerSnapshot snapshot;
        snapshot.orders_count = aggregates.empty() ? 0 : to_int(aggregates[0]);
        snapshot.total_spent_cents = aggregates.size() < 2 ? 0 : to_int(aggregates[1]);
        for (const auto& member : exec.elements[1].elements) {
            snapshot.order_ids.push_back(member.str);
            if (!audit.knows(member.str)) {
                unseen.push_back(member.str);
            }
        }
        snapshots.push_back(std::move(snapshot));
    }
    if (!unseen.empty()) {
        add_orders(redis, group, unseen, audit);
    }
    for (std::size_t i = 0; i < customers.size(); ++i) {
        audit.add_customer(customers[i], snapshots[i]);
    }
}

}  // namespace

void read_store(redis::Connection& redis, const std::string& group, GroupAudit& audit) {
    scan(redis, redis::order_key_pattern(group), [&](const std::vector<std::string>& keys) {
        std::vector<std::string> ids;
        ids.reserve(keys.size());
        for (const auto& key : keys) {
            if (auto id = redis::order_id_of(group, key)) {
                ids.push_back(std::move(*id));
            }
        }
        add_orders(redis, group, ids, audit);
    });
    std::set<std::string> customers;
    scan(redis, redis::customer_key_pattern(group), [&](const std::vector<std::string>& keys) {
        for (const auto& key : keys) {
            if (auto id = redis::customer_id_of(group, key)) {
                customers.insert(std::move(*id));
            }
        }
    });
    std::vector<std::string> chunk;
    for (const auto& customer : customers) {
        chunk.push_back(customer);
        if (chunk.size() == kCustomersPerRoundTrip) {
            add_customers(redis, group, chunk, audit);
            chunk.clear();
        }
    }
    if (!chunk.empty()) {
        add_customers(redis, group, chunk, audit);
    }
}

}  // namespace orderflow::audit
