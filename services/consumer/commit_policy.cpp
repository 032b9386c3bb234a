#include "consumer/commit_policy.h"

#include "consumer/consumer_settings.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace orderflow::consumer {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kDrainStep{100};
constexpr std::size_t kMaxLate = 100;  // unanswered commits remembered for a late answer

std::string describe(const CommitOffsets& offsets) {
    std::string out;
    for (const auto& [tp, next] : offsets) {
        out += (out.empty() ? "" : ",") + tp.first + "[" + std::to_string(tp.second) +
               "]=" + std::to_string(next);
    }
    return out;
}

}  // namespace

AutoCommitPolicy::AutoCommitPolicy(std::size_t max_batch) : max_batch_(max_batch) {}

BatchAccumulator AutoCommitPolicy::make_accumulator() const {
    return BatchAccumulator(max_batch_, milliseconds(0));
}

bool AutoCommitPolicy::ready(const BatchAccumulator& held,
                             bool idle,
                             Clock::time_point /*now*/) const {
    return held.full() || (idle && !held.empty());  // whatever was already fetched
}

std::optional<CommitPolicy::Clock::time_point> AutoCommitPolicy::wake_at(
    const BatchAccumulator& held) const {
    return held.deadline();  // holding something: take what is fetched without waiting
}

void AutoCommitPolicy::written(const CommitOffsets& offsets,
                               std::size_t messages,
                               OffsetCommitter& kafka,
                               Clock::time_point /*now*/) {
    if (const auto error = kafka.store(offsets); !error.empty()) {
        // The orders are in Redis already: a redelivery is counted as a duplicate, not lost.
        ++counters_.failures;
        spdlog::warn("offsets_store of {} failed: {}", describe(offsets), error);
        return;
    }
    ++counters_.commits;
    counters_.committed_messages += static_cast<std::int64_t>(messages);
}

BatchCommitPolicy::BatchCommitPolicy(const Limits& limits)
    : limits_(limits), backoff_(kFirstBackoff) {
    limits_.batch_size = std::max<std::size_t>(limits_.batch_size, 1);
    limits_.max_in_flight = std::max<std::size_t>(limits_.max_in_flight, 1);
    max_write_ =
        std::max<std::size_t>(limits_.max_write / limits_.batch_size, 1) * limits_.batch_size;
}

BatchAccumulator BatchCommitPolicy::make_accumulator() const {
    return BatchAccumulator(max_write_, limits_.batch_timeout);
}

bool BatchCommitPolicy::ready(const BatchAccumulator& held,
                              bool idle,
                              Clock::time_point now) const {
    // One round trip per batch of 10 made the batch group wait on Redis: whole batches that
    // are already fetched are written together, a partial one waits for its last message.
    return held.full() || (idle && held.size() >= limits_.batch_size) ||
           (limits_.batch_timeout.count() > 0 && held.due(now));
}

std::optional<CommitPolicy::Clock::time_point> BatchCommitPolicy::wake_at(
    const BatchAccumulator& held) const {
    if (held.size() >= limits_.batch_size) {
        return Clock::now();  // a whole batch: take what is fetched without waiting
    }
    if (limits_.batch_timeout.count() <= 0) {
        return std::nullopt;  // a partial batch waits for its BATCH_SIZE-th message
    }
    return held.deadline();
}

std::size_t BatchCommitPolicy::writable(const BatchAccumulator& held, Clock::time_point now) const {
    if (limits_.batch_timeout.count() > 0 && held.due(now)) {
        return std::min(held.size(), max_write_);  // BATCH_TIMEOUT: the partial one too
    }
    return std::min(held.size() / limits_.batch_size * limits_.batch_size, max_write_);
}

std::size_t BatchCommitPolicy::batches_in(std::size_t messages) const {
    return (messages + limits_.batch_size - 1) / limits_.batch_size;
}

void BatchCommitPolicy::written(const CommitOffsets& offsets,
                                std::size_t messages,
                                OffsetCommitter& kafka,
                                Clock::time_point now) {
    for (const auto& [tp, next] : offsets) {
        auto& partition = partitions_[tp];
        partition.written = std::max(partition.written, next);
        if (!partition.uncommitted_since && partition.written > partition.committed) {
            partition.uncommitted_since = now;
        }
    }
    batches_.push_back({offsets, messages});
    service(kafka, now);
}

CommitOffsets BatchCommitPolicy::due(const std::set<TopicPartition>* only) const {
    CommitOffsets out;
    for (const auto& [tp, partition] : partitions_) {
        if (only != nullptr && !only->contains(tp)) {
            continue;
        }
        std::int64_t covered = partition.committed;
        for (const auto& [tag, commit] : in_flight_) {
            if (const auto it = commit.offsets.find(tp); it != commit.offsets.end()) {
                covered = std::max(covered, it->second);
            }
        }
        if (partition.written > covered) {
            out[tp] = partition.written;
        }
    }
    return out;
}

void BatchCommitPolicy::send(OffsetCommitter& kafka,
                             const CommitOffsets& offsets,
                             Clock::time_point now) {
    const auto tag = next_tag_++;
    if (const auto error = kafka.commit_async(offsets, tag); !error.empty()) {
        failed("commit of " + describe(offsets) + " not sent: " + error, now);
        return;
    }
    in_flight_[tag] = {offsets, now};
}

void BatchCommitPolicy::count_committed() {
    std::size_t done = 0;
    for (; done < batches_.size(); ++done) {
        const bool committed =
            std::all_of(batches_[done].offsets.begin(), batches_[done].offsets.end(),
                        [this](const auto& entry) {
                            const auto it = partitions_.find(entry.first);
                            return it != partitions_.end() && it->second.committed >= entry.second;
                        });
        if (!committed) {
            break;
        }
        counters_.committed_messages += static_cast<std::int64_t>(batches_[done].messages);
    }
    batches_.erase(batches_.begin(), batches_.begin() + static_cast<std::ptrdiff_t>(done));
}

void BatchCommitPolicy::failed(const std::string& why, Clock::time_point now) {
    ++counters_.failures;
    retry_at_ = now + backoff_;
    spdlog::warn("{}; committing again in {} ms (the orders are in Redis, so nothing is lost)", why,
                 backoff_.count());
    backoff_ = std::min(backoff_ * 2, std::max(limits_.max_backoff, kFirstBackoff));
}

void BatchCommitPolicy::take(const CommitReply& reply, Clock::time_point now) {
    InFlight commit;
    bool late = false;
    if (auto it = in_flight_.find(reply.tag); it != in_flight_.end()) {
        commit = std::move(it->second);
        in_flight_.erase(it);
    } else if (auto old = late_.find(reply.tag); old != late_.end()) {
        commit = std::move(old->second);
        late_.erase(old);
        late = true;
    } else {
        return;
    }
    std::string failure = reply.error;
    bool lowered = false;
    for (const auto& [tp, next] : commit.offsets) {
        const auto error = reply.partition_errors.find(tp);
        if (!reply.error.empty() ||
            (error != reply.partition_errors.end() && !error->second.empty())) {
            if (failure.empty()) {
                failure = error->second;
            }
            continue;
        }
        const auto partition = partitions_.find(tp);
        if (partition == partitions_.end()) {
            continue;  // revoked meanwhile
        }
        auto& state = partition->second;
        // The coordinator answers commits in the order it applies them, and librdkafka sends
        // a commit it deferred while no coordinator was known after newer ones: the latest
        // answer is the broker's offset, even one lower than an earlier answer (seen in
        // robustness.CoordinatorAway). What it left uncommitted is then due again.
        lowered = lowered || next < state.committed;
        state.committed = next;
        if (state.committed >= state.written) {
            state.uncommitted_since.reset();
        } else if (!late) {
            state.uncommitted_since = commit.sent_at;  // what is left was written after that
        } else if (!state.uncommitted_since) {
            state.uncommitted_since = now;
        }
    }
    count_committed();
    if (!failure.empty()) {
        if (!late) {
            failed("commit of " + describe(commit.offsets) + " failed: " + failure, now);
        }
        return;
    }
    ++counters_.commits;
    if (lowered) {
        spdlog::warn("a commit of {} was applied after newer ones; committing those again",
                     describe(commit.offsets));
    } else if (late) {
        spdlog::info("a late answer committed {}", describe(commit.offsets));
    }
    backoff_ = kFirstBackoff;
    retry_at_ = {};
}

void BatchCommitPolicy::expire(Clock::time_point now) {
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
        if (now - it->second.sent_at < limits_.commit_timeout) {
            ++it;
            continue;
        }
        const auto what = describe(it->second.offsets);
        late_.emplace(it->first, std::move(it->second));
        it = in_flight_.erase(it);
        if (late_.size() > kMaxLate) {
            late_.erase(late_.begin());
        }
        failed("commit of " + what + " not answered within COMMIT_TIMEOUT (" +
                   std::to_string(limits_.commit_timeout.count()) + " ms)",
               now);
    }
}

void BatchCommitPolicy::service(OffsetCommitter& kafka, Clock::time_point now) {
    while (const auto reply = kafka.poll(milliseconds(0))) {
        take(*reply, now);
    }
    expire(now);
    if (in_flight_.size() >= limits_.max_in_flight || now < retry_at_) {
        return;
    }
    if (const auto offsets = due(nullptr); !offsets.empty()) {
        send(kafka, offsets, now);
    }
}

bool BatchCommitPolicy::settled(const std::set<TopicPartition>* only) const {
    return std::all_of(partitions_.begin(), partitions_.end(), [only](const auto& entry) {
        return (only != nullptr && !only->contains(entry.first)) ||
               entry.second.written <= entry.second.committed;
    });
}

bool BatchCommitPolicy::drain(const std::set<TopicPartition>* only,
                              OffsetCommitter& kafka,
                              Clock::time_point deadline) {
    while (true) {
        auto now = Clock::now();
        while (const auto reply = kafka.poll(milliseconds(0))) {
            take(*reply, now);
        }
        expire(now);
        if (settled(only)) {
            return true;
        }
        if (now >= deadline) {
            return false;
        }
        if (now >= retry_at_) {
            if (const auto offsets = due(only); !offsets.empty()) {
                send(kafka, offsets, now);
            }
        }
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - now);
        if (const auto reply = kafka.poll(std::clamp(left, milliseconds(1), kDrainStep))) {
            take(*reply, Clock::now());
        }
    }
}

bool BatchCommitPolicy::revoke(const std::set<TopicPartition>& partitions,
                               bool lost,
                               OffsetCommitter& kafka,
                               Clock::time_point deadline) {
    const bool done = lost ? settled(&partitions) : drain(&partitions, kafka, deadline);
    if (!done) {
        spdlog::warn(
            "revoked with written but uncommitted offsets ({}): those messages will be "
            "redelivered and counted as duplicates",
            lost ? "assignment lost" : "commit not answered in time");
    }
    for (const auto& tp : partitions) {
        partitions_.erase(tp);
    }
    // Commits of only revoked partitions no longer hold a slot; a late answer is ignored.
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
        const bool ours =
            std::any_of(it->second.offsets.begin(), it->second.offsets.end(),
                        [this](const auto& entry) { return partitions_.contains(entry.first); });
        it = ours ? std::next(it) : in_flight_.erase(it);
    }
    std::erase_if(batches_, [&partitions](const Batch& batch) {
        return std::any_of(
            batch.offsets.begin(), batch.offsets.end(),
            [&partitions](const auto& entry) { return partitions.contains(entry.first); });
    });
    return done;
}

bool BatchCommitPolicy::finish(OffsetCommitter& kafka, Clock::time_point deadline) {
    return drain(nullptr, kafka, deadline);
}

CommitStatus BatchCommitPolicy::status() const {
    CommitStatus status;
    status.in_flight = in_flight_.size();
    for (const auto& [tp, partition] : partitions_) {
        if (partition.written > partition.committed) {
            ++status.uncommitted_partitions;
            if (partition.uncommitted_since &&
                (!status.uncommitted_since ||
                 *partition.uncommitted_since < *status.uncommitted_since)) {
                status.uncommitted_since = partition.uncommitted_since;
            }
        }
    }
    return status;
}

std::optional<std::int64_t> BatchCommitPolicy::committed(const TopicPartition& partition) const {
    const auto it = partitions_.find(partition);
    if (it == partitions_.end() || it->second.committed < 0) {
        return std::nullopt;
    }
    return it->second.committed;
}

std::unique_ptr<CommitPolicy> make_commit_policy(const ConsumerSettings& settings) {
    if (settings.mode == CommitMode::kAuto) {
        return std::make_unique<AutoCommitPolicy>(kAutoModeMaxBatch);
    }
    BatchCommitPolicy::Limits limits;
    limits.batch_size = settings.batch_size;
    limits.batch_timeout = settings.batch_timeout;
    limits.commit_timeout = settings.commit_timeout;
    limits.max_in_flight = settings.commits_in_flight;
    limits.max_backoff = settings.retry_max_backoff;
    limits.max_write = kAutoModeMaxBatch;
    return std::make_unique<BatchCommitPolicy>(limits);
}

}  // namespace orderflow::consumer
