#include "gateway/idempotency_store.h"

#include "common/guarded_thread.h"
#include "redis_cluster/open_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace orderflow::gateway {
namespace {

constexpr std::chrono::milliseconds kStoreRedisTimeout{2000};

// A callback that throws loses its own answer (the HTTP handler budget answers it), never the
// thread every other keyed request waits on.
void call(const IdempotencyStore::Claim& claim, const IdempotencyStore::Result& result) {
    try {
        claim.done(result);
    } catch (const std::exception& e) {
        spdlog::error("idempotency store: answering {} failed: {}", claim.redis_key, e.what());
    }
}

IdempotencyStore::Result result_of(const redis::Reply& reply) {
    using Held = IdempotencyStore::Held;
    if (reply.is_error()) {
        return {Held::kUnavailable, {}, "Redis answered " + reply.str};
    }
    if (reply.is_nil()) {
        return {Held::kNew, {}, ""};
    }
    if (reply.type != REDIS_REPLY_STRING) {
        return {
            Held::kUnreadable, {}, "the key holds a reply of type " + std::to_string(reply.type)};
    }
    auto record = parse_record(reply.str);
    if (!record) {
        return {Held::kUnreadable,
                {},
                "the key holds " + std::to_string(reply.str.size()) +
                    " bytes that are not an idempotency record"};
    }
    return {Held::kHeld, std::move(*record), ""};
}

}  // namespace

IdempotencyStore::IdempotencyStore(redis::RedisTarget target,
                                   std::chrono::milliseconds ttl,
                                   std::size_t max_waiting)
    : target_(std::move(target)), ttl_(ttl), max_waiting_(max_waiting) {
    thread_ = std::thread(common::guarded("idempotency store", [this] { run(); }));
}

IdempotencyStore::~IdempotencyStore() {
    stop();
}

void IdempotencyStore::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

bool IdempotencyStore::claim(Claim claim) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || claims_listed_ >= max_waiting_) {
            return false;
        }
        ++claims_listed_;
        jobs_.push_back({true, std::move(claim)});
    }
    wake_.notify_one();
    return true;
}

void IdempotencyStore::mark_acknowledged(std::string redis_key, IdempotencyRecord record) {
    record.acknowledged = true;
    {
        std::lock_guard lock(mutex_);
        // Marks follow sends one for one, so in-flight orders bound them; this is a backstop.
        if (stopping_ || jobs_.size() >= 2 * max_waiting_) {
            spdlog::warn("idempotency record of order {} not marked acknowledged: {}",
                         record.order_id, stopping_ ? "stopping" : "too many waiting");
            return;
        }
        jobs_.push_back({false, {std::move(redis_key), std::move(record), {}}});
    }
    wake_.notify_one();
}

std::size_t IdempotencyStore::waiting() const {
    std::lock_guard lock(mutex_);
    return claims_listed_;
}

void IdempotencyStore::run() {
    while (true) {
        std::vector<Job> jobs;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            jobs.swap(jobs_);
            if (stopping_) {
                claims_listed_ = 0;
                lock.unlock();
                // New claims get no answer from Redis now; the marks still go out, once.
                std::vector<Job> marks;
                for (auto& job : jobs) {
                    if (job.is_claim) {
                        call(job.claim, {Held::kUnavailable, {}, "the gateway is stopping"});
                    } else {
                        marks.push_back(std::move(job));
                    }
                }
                if (!marks.empty()) {
                    round_trip(std::move(marks));
                }
                return;
            }
        }
        round_trip(std::move(jobs));
    }
}

void IdempotencyStore::round_trip(std::vector<Job> jobs) {
    std::vector<redis::Command> commands;
    commands.reserve(jobs.size());
    const auto ttl_ms = std::to_string(ttl_.count());
    for (const auto& job : jobs) {
        const auto record = encode_record(job.claim.record);
        if (job.is_claim) {
            commands.push_back({"SET", job.claim.redis_key, record, "NX", "GET", "PX", ttl_ms});
        } else {
            commands.push_back({"SET", job.claim.redis_key, record, "XX", "KEEPTTL"});
        }
    }
    std::vector<redis::Reply> replies;
    std::string failure;
    try {
        if (!redis_) {
            redis_ = redis_cluster::open_client(target_, kStoreRedisTimeout);
        }
        replies = redis_->pipeline(commands);
    } catch (const redis::RedisError& e) {
        failure = e.what();
    }
    // Answered claims stop counting as waiting before their callbacks run: a caller woken by
    // its callback sees itself gone from waiting().
    const auto claims = static_cast<std::size_t>(
        std::count_if(jobs.begin(), jobs.end(), [](const Job& job) { return job.is_claim; }));
    {
        std::lock_guard lock(mutex_);
        claims_listed_ -= std::min(claims, claims_listed_);
    }
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        const auto& job = jobs[i];
        if (!job.is_claim) {
            if (!failure.empty() || replies[i].is_error()) {
                spdlog::warn("idempotency record of order {} not marked acknowledged: {}",
                             job.claim.record.order_id, failure.empty() ? replies[i].str : failure);
            }
            continue;
        }
        call(job.claim,
             failure.empty() ? result_of(replies[i]) : Result{Held::kUnavailable, {}, failure});
    }
}

}  // namespace orderflow::gateway
