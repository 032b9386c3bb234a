#include "gateway/order_reader.h"

#include "common/guarded_thread.h"
#include "gateway/stored_order.h"
#include "redis/key_names.h"
#include "redis/store_reads.h"
#include "redis_cluster/open_client.h"

#include <climits>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

namespace orderflow::gateway {
namespace {

constexpr std::chrono::milliseconds kRedisTimeout{2000};

void answer(const OrderReader::Lookup& lookup, OrderReader::Result result) {
    lookup.done(result);
}

std::map<std::string, std::string> hash_fields(const redis::Reply& reply) {
    std::map<std::string, std::string> fields;
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        fields[reply.elements[i].str] = reply.elements[i + 1].str;
    }
    return fields;
}

// A WITHSCORES reply: member, score, member, score...
std::vector<std::pair<std::string, std::string>> pairs(const redis::Reply& reply) {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
        out.emplace_back(reply.elements[i].str, reply.elements[i + 1].str);
    }
    return out;
}

/// A customer's pieces of two partitions as one: counts and totals summed where both are numbers
/// (else the first piece's, which stored_customer_json() judges).
std::map<std::string, std::string> summed(std::map<std::string, std::string> into,
                                          const std::map<std::string, std::string>& piece) {
    for (const auto& [name, value] : piece) {
        const auto a = redis::stored_integer(into[name]);
        const auto b = redis::stored_integer(value);
        if (a && b && *a <= INT64_MAX - *b) {
            into[name] = std::to_string(*a + *b);
        }
    }
    return into;
}

/// The `count` newest of (order id, created-at score) pairs of several pieces, newest first.
std::vector<std::pair<std::string, std::string>> newest(
    std::vector<std::pair<std::string, std::string>> all, std::size_t count) {
    const auto score = [](const std::string& text) {
        return redis::stored_integer(text).value_or(INT64_MIN);
    };
    std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
        return score(a.second) > score(b.second);
    });
    if (all.size() > count) {
        all.resize(count);
    }
    return all;
}

}  // namespace

OrderReader::OrderReader(redis::RedisTarget target, std::size_t max_waiters)
    : target_(std::move(target)), max_waiters_(max_waiters) {
    thread_ = std::thread(common::guarded("order reader", [this] { run(); }));
}

OrderReader::~OrderReader() {
    stop();
}

void OrderReader::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

bool OrderReader::submit(Lookup lookup) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || listed_ >= max_waiters_) {
            return false;
        }
        ++listed_;
        fresh_.push_back(std::move(lookup));
    }
    wake_.notify_one();
    return true;
}

std::size_t OrderReader::waiting() const {
    std::lock_guard lock(mutex_);
    return listed_;
}

void OrderReader::run() {
    std::vector<Lookup> held;
    while (true) {
        {
            std::unique_lock lock(mutex_);
            const auto ready = [this] { return stopping_ || !fresh_.empty(); };
            if (held.empty()) {
                wake_.wait(lock, ready);
            } else {
                wake_.wait_for(lock, kPollInterval, ready);
            }
            if (stopping_) {
                for (auto& lookup : fresh_) {
                    held.push_back(std::move(lookup));
                }
                fresh_.clear();
                break;
            }
            for (auto& lookup : fresh_) {
                held.push_back(std::move(lookup));
            }
            fresh_.clear();
        }
        const auto before = held.size();
        held = look(std::move(held));
        std::lock_guard lock(mutex_);
        listed_ -= before - held.size();
    }
    for (const auto& lookup : held) {
        answer(lookup, {Found::kUnavailable, {}, "the gateway is stopping"});
    }
}

std::vector<OrderReader::Lookup> OrderReader::look(std::vector<Lookup> lookups) {
    // Round trip 1: the partitions of each group asked. Round trip 2 (per master): each lookup's
    // key in every partition's tag (an order's partition is not in its id; a customer's orders
    // are keyed to one partition, so normally one piece exists).
    std::vector<std::string> groups;
    for (const auto& lookup : lookups) {
        if (std::find(groups.begin(), groups.end(), lookup.group) == groups.end()) {
            groups.push_back(lookup.group);
        }
    }
    std::vector<redis::Command> commands;
    std::vector<std::size_t> first;   // each lookup's first command
    std::vector<std::size_t> pieces;  // and how many partitions it asks
    std::vector<redis::Reply> replies;
    try {
        if (!redis_) {
            redis_ = redis_cluster::open_client(target_, kRedisTimeout);
        }
        const auto partitions = redis::groups_partitions(*redis_, groups);
        for (const auto& lookup : lookups) {
            const auto& of_group = partitions.at(lookup.group);
            first.push_back(commands.size());
            pieces.push_back(of_group.size());
            for (const auto partition : of_group) {
                if (lookup.customer_id.empty()) {
                    commands.push_back(
                        {"HGETALL", redis::order_key(lookup.group, partition, lookup.order_id)});
                    continue;
                }
                // One piece's newest `latest` are enough: the newest of all are among them.
                commands.push_back(
                    {"HGETALL", redis::customer_key(lookup.group, partition, lookup.customer_id)});
                commands.push_back(
                    {"ZREVRANGE",
                     redis::customer_orders_key(lookup.group, partition, lookup.customer_id), "0",
                     std::to_string(std::max<std::size_t>(lookup.latest, 1) - 1), "WITHSCORES"});
            }
        }
        replies = redis_->pipeline(commands);
        redis_ok_ = true;
    } catch (const redis::RedisError& e) {
        redis_ok_ = false;
        redis_.reset();  // a cluster's client re-reads the map; one Redis reconnects anyway
        for (const auto& lookup : lookups) {
            answer(lookup, {Found::kUnavailable, {}, e.what()});
        }
        return {};
    }
    const auto now = std::chrono::steady_clock::now();
    std::vector<Lookup> kept;
    for (std::size_t i = 0; i < lookups.size(); ++i) {
        auto& lookup = lookups[i];
        const bool customer = !lookup.customer_id.empty();
        const std::size_t per_piece = customer ? 2 : 1;
        std::string error;
        std::optional<std::map<std::string, std::string>> fields;
        std::vector<std::pair<std::string, std::string>> latest;
        for (std::size_t k = 0; k < pieces[i]; ++k) {
            const auto& reply = replies[first[i] + k * per_piece];
            if (reply.is_error()) {
                error = "Redis answered " + reply.str;
                break;
            }
            if (customer) {
                const auto& orders = replies[first[i] + k * per_piece + 1];
                if (orders.is_error()) {
                    error = "Redis answered " + orders.str;
                    break;
                }
                if (!reply.elements.empty()) {
                    fields = fields ? summed(*fields, hash_fields(reply)) : hash_fields(reply);
                    auto more = pairs(orders);
                    latest.insert(latest.end(), more.begin(), more.end());
                }
            } else if (!reply.elements.empty() && !fields) {
                fields = hash_fields(reply);
            }
        }
        if (!error.empty()) {
            answer(lookup, {Found::kUnavailable, {}, error});
        } else if (customer) {
            if (!fields) {
                answer(lookup, {Found::kNotStored, {}, ""});
            } else {
                answer(lookup,
                       {Found::kStored,
                        stored_customer_json(*fields, newest(std::move(latest), lookup.latest),
                                             lookup.customer_id, lookup.group),
                        ""});
            }
        } else if (fields) {
            answer(lookup, {Found::kStored, stored_order_json(*fields, lookup.group), ""});
        } else if (!lookup.wait) {
            answer(lookup, {Found::kNotStored, {}, ""});
        } else if (now >= lookup.deadline) {
            answer(lookup, {Found::kTimedOut, {}, ""});
        } else {
            kept.push_back(std::move(lookup));
        }
    }
    return kept;
}

}  // namespace orderflow::gateway
