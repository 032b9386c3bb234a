#include "gateway/order_reader.h"

#include "common/guarded_thread.h"
#include "gateway/stored_order.h"
#include "redis/key_names.h"

#include <map>
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

}  // namespace

OrderReader::OrderReader(redis::RedisEndpoint endpoint, std::size_t max_waiters)
    : endpoint_(std::move(endpoint)), max_waiters_(max_waiters) {
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
    std::vector<redis::Command> commands;
    commands.reserve(lookups.size());
    // Each lookup's first command; a customer's ZREVRANGE follows its HGETALL.
    std::vector<std::size_t> first;
    first.reserve(lookups.size());
    for (const auto& lookup : lookups) {
        first.push_back(commands.size());
        if (lookup.customer_id.empty()) {
            commands.push_back({"HGETALL", redis::order_key(lookup.group, lookup.order_id)});
        } else {
            commands.push_back({"HGETALL", redis::customer_key(lookup.group, lookup.customer_id)});
            commands.push_back({"ZREVRANGE",
                                redis::customer_orders_key(lookup.group, lookup.customer_id), "0",
                                std::to_string(lookup.latest - 1), "WITHSCORES"});
        }
    }
    std::vector<redis::Reply> replies;
    try {
        if (!redis_) {
            redis_ = std::make_unique<redis::Connection>(endpoint_, kRedisTimeout);
        }
        replies = redis_->pipeline(commands);
        redis_ok_ = true;
    } catch (const redis::RedisError& e) {
        redis_ok_ = false;
        for (const auto& lookup : lookups) {
            answer(lookup, {Found::kUnavailable, {}, e.what()});
        }
        return {};
    }
    const auto now = std::chrono::steady_clock::now();
    std::vector<Lookup> kept;
    for (std::size_t i = 0; i < lookups.size(); ++i) {
        const auto& reply = replies[first[i]];
        auto& lookup = lookups[i];
        if (reply.is_error()) {
            answer(lookup, {Found::kUnavailable, {}, "Redis answered " + reply.str});
        } else if (!lookup.customer_id.empty()) {
            const auto& latest = replies[first[i] + 1];
            if (latest.is_error()) {
                answer(lookup, {Found::kUnavailable, {}, "Redis answered " + latest.str});
            } else if (reply.elements.empty()) {
                answer(lookup, {Found::kNotStored, {}, ""});
            } else {
                answer(lookup, {Found::kStored,
                                stored_customer_json(hash_fields(reply), pairs(latest),
                                                     lookup.customer_id, lookup.group),
                                ""});
            }
        } else if (!reply.elements.empty()) {
            answer(lookup,
                   {Found::kStored, stored_order_json(hash_fields(reply), lookup.group), ""});
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
