#include "audit/store_reader.h"

#include "redis/key_names.h"
#include "redis/store_reads.h"

#include <functional>
#include <set>
#include <tuple>

namespace orderflow::audit {
namespace {

constexpr std::size_t kCustomersPerRoundTrip = 20;

void scan_node(redis::Client& redis,
               const std::string& node,
               const std::string& pattern,
               const std::function<void(const std::vector<std::string>&)>& page) {
    std::string cursor = "0";
    do {
        const auto reply =
            redis.command_on(node, {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
        if (reply.is_error() || reply.elements.size() != 2) {
            throw redis::RedisError("SCAN of " + node + " failed: " + reply.str);
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

/// SCAN over `pattern` on every node (a cluster's masters), one call of `page` per non-empty
/// page of keys.
void scan(redis::Client& redis,
          const std::string& pattern,
          const std::function<void(const std::vector<std::string>&)>& page) {
    for (const auto& node : redis.nodes()) {
        scan_node(redis, node, pattern, page);
    }
}

redis::Command order_fields_command(const std::string& key) {
    redis::Command command = {"HMGET", key};
    command.insert(command.end(), kComparedFields.begin(), kComparedFields.end());
    command.insert(command.end(), {"partition", "offset"});
    return command;
}

/// An order hash's key and the id it names.
struct OrderRef {
    std::string key;
    std::string id;
};

/// A customer's piece: its aggregates and sorted set in one partition's tag.
struct CustomerPiece {
    std::int32_t partition = 0;
    std::string id;
    bool operator<(const CustomerPiece& other) const {
        return std::tie(id, partition) < std::tie(other.id, other.partition);
    }
};

/// HMGETs the order hashes of `orders` and adds those that exist.
void add_orders(redis::Client& redis, const std::vector<OrderRef>& orders, GroupAudit& audit) {
    std::vector<redis::Command> commands;
    commands.reserve(orders.size());
    for (const auto& order : orders) {
        commands.push_back(order_fields_command(order.key));
    }
    const auto replies = redis.pipeline(commands);
    for (std::size_t i = 0; i < orders.size(); ++i) {
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
            audit.add_stored(orders[i].id, values);
        }
    }
}

std::int64_t to_int(const std::string& key, const redis::Reply& reply) {
    if (reply.is_nil() || reply.str.empty()) {
        return 0;
    }
    const auto value = redis::stored_integer(reply.str);
    if (!value) {
        throw redis::RedisError(key + " holds \"" + reply.str.substr(0, 40) +
                                "\" where the store writes an integer");
    }
    return *value;
}

/// Reads `pieces` (sorted: a customer's pieces next to each other), each piece's aggregates and
/// sorted set in one MULTI/EXEC (one moment's state of that tag), and adds each customer with
/// its pieces summed.
void add_customers(redis::Client& redis,
                   const std::string& group,
                   const std::vector<CustomerPiece>& pieces,
                   GroupAudit& audit) {
    std::vector<redis::Command> commands;
    for (const auto& piece : pieces) {
        commands.push_back({"MULTI"});
        commands.push_back({"HMGET", redis::customer_key(group, piece.partition, piece.id),
                            "orders_count", "total_spent_cents"});
        commands.push_back(
            {"ZRANGE", redis::customer_orders_key(group, piece.partition, piece.id), "0", "-1"});
        commands.push_back({"EXEC"});
    }
    const auto replies = redis.pipeline(commands);
    std::vector<std::pair<std::string, CustomerSnapshot>> customers;
    std::vector<OrderRef> unseen;  // named by a sorted set, stored after the scan
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const auto& exec = replies[i * 4 + 3];
        const auto& key = commands[i * 4 + 1][1];
        if (exec.is_error() || exec.elements.size() != 2) {
            throw redis::RedisError("reading customer " + key + " failed: " + exec.str);
        }
        if (customers.empty() || customers.back().first != pieces[i].id) {
            customers.emplace_back(pieces[i].id, CustomerSnapshot{});
        }
        auto& snapshot = customers.back().second;
        const auto& aggregates = exec.elements[0].elements;
        snapshot.orders_count += aggregates.empty() ? 0 : to_int(key, aggregates[0]);
        snapshot.total_spent_cents += aggregates.size() < 2 ? 0 : to_int(key, aggregates[1]);
        for (const auto& member : exec.elements[1].elements) {
            snapshot.order_ids.push_back(member.str);
            if (!audit.knows(member.str)) {
                unseen.push_back(
                    {redis::order_key(group, pieces[i].partition, member.str), member.str});
            }
        }
    }
    if (!unseen.empty()) {
        add_orders(redis, unseen, audit);
    }
    for (auto& [id, snapshot] : customers) {
        audit.add_customer(id, snapshot);
    }
}

}  // namespace

void read_store(redis::Client& redis, const std::string& group, GroupAudit& audit) {
    scan(redis, redis::order_key_pattern(group), [&](const std::vector<std::string>& keys) {
        std::vector<OrderRef> orders;
        orders.reserve(keys.size());
        for (const auto& key : keys) {
            if (auto id = redis::order_id_of(group, key)) {
                orders.push_back({key, std::move(*id)});
            }
        }
        add_orders(redis, orders, audit);
    });
    std::set<CustomerPiece> pieces;
    scan(redis, redis::customer_key_pattern(group), [&](const std::vector<std::string>& keys) {
        for (const auto& key : keys) {
            auto id = redis::customer_id_of(group, key);
            const auto partition = redis::partition_of(group, key);
            if (id && partition) {
                pieces.insert({*partition, std::move(*id)});
            }
        }
    });
    // A chunk ends only between two customers, so that each is added once with all its pieces.
    std::vector<CustomerPiece> chunk;
    for (const auto& piece : pieces) {
        if (chunk.size() >= kCustomersPerRoundTrip && chunk.back().id != piece.id) {
            add_customers(redis, group, chunk, audit);
            chunk.clear();
        }
        chunk.push_back(piece);
    }
    if (!chunk.empty()) {
        add_customers(redis, group, chunk, audit);
    }
}

}  // namespace orderflow::audit
