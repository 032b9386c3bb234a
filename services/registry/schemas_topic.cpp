#include "registry/schemas_topic.h"

#include "common/guarded_thread.h"
#include "common/shutdown.h"
#include "kafka/admin_client.h"
#include "kafka/clients.h"
#include "kafka/kafka_error.h"
#include "kafka/presets.h"
#include "metrics/metrics.h"
#include "registry/api_error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <thread>

namespace orderflow::registry {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t ms_since(Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

}  // namespace

SchemasTopic::SchemasTopic(const kafka::ClientSettings& settings,
                           TopicOptions options,
                           SchemaStore& store)
    : settings_(settings), options_(std::move(options)), store_(store) {}

SchemasTopic::~SchemasTopic() {
    stop();
}

void SchemasTopic::stop() {
    stop_ = true;
    if (reader_.joinable()) {
        reader_.join();
    }
    if (writer_) {
        writer_->close();
        writer_.reset();
    }
    {
        std::lock_guard marker(marker_mutex_);
        if (marker_writer_) {
            marker_writer_->close();
            marker_writer_.reset();
        }
    }
    if (consumer_) {
        // Assigned, not subscribed: nothing to leave; close is quick.
        rd_kafka_consumer_close(consumer_.get());
        consumer_.reset();
    }
}

void SchemasTopic::ensure_topic() {
    kafka::AdminClient admin(settings_, options_.timeout);
    // Described first: creating checks the live broker count, and a topic that exists must be
    // usable with one broker down.
    auto outcome = kafka::CreateOutcome::kAlreadyExists;
    if (const auto existing = admin.describe_topic(options_.topic)) {
        if (existing->partitions.size() != 1) {
            throw kafka::KafkaError(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS,
                                    "topic " + options_.topic + " exists with " +
                                        std::to_string(existing->partitions.size()) +
                                        " partitions; the registry needs 1 (REGISTRY_TOPIC)");
        }
    } else {
        outcome = admin.create_topic(
            {options_.topic, 1, options_.replication_factor, {{"cleanup.policy", "compact"}}});
    }
    const auto configs = admin.topic_configs(options_.topic);
    const auto policy = configs.count("cleanup.policy") != 0 ? configs.at("cleanup.policy") : "";
    if (policy.find("compact") == std::string::npos) {
        throw kafka::KafkaError(RD_KAFKA_RESP_ERR_INVALID_CONFIG,
                                "topic " + options_.topic + " has cleanup.policy=" + policy +
                                    "; the registry needs a compacted topic (REGISTRY_TOPIC)");
    }
    spdlog::info("{} topic {} (1 partition, compacted)",
                 outcome == kafka::CreateOutcome::kCreated ? "created" : "using", options_.topic);
}

void SchemasTopic::start() {
    // A cluster that is still starting (brokers not all registered, a new topic's metadata not
    // everywhere yet) is retried until the timeout; a topic that exists with the wrong shape is
    // refused at once.
    const auto deadline = Clock::now() + options_.timeout;
    while (true) {
        try {
            ensure_topic();
            break;
        } catch (const kafka::KafkaError& e) {
            const bool wrong_shape = e.code() == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS ||
                                     e.code() == RD_KAFKA_RESP_ERR_INVALID_CONFIG;
            if (wrong_shape || Clock::now() >= deadline) {
                throw;
            }
            spdlog::warn("{} not usable yet ({}); retrying", options_.topic, e.what());
            pause_or_stop(std::chrono::milliseconds(500));
        }
    }
    // The topic exists, but each handle below has its own metadata cache, filled from whichever
    // broker it asks first: one that has not caught up answers "unknown topic", which
    // librdkafka caches. So every handle waits until its own metadata shows the partition with
    // a leader.
    writer_ = std::make_unique<SchemasWriter>(settings_, options_.topic, options_.timeout);
    wait_for_partition(writer_->handle(), options_.topic, deadline, "writer");

    consumer_ = kafka::make_consumer(
        settings_,
        kafka::presets::join({kafka::presets::reader(settings_.client_id + "-reader"),
                              {{"auto.offset.reset", "earliest"}, {"fetch.wait.max.ms", "50"}},
                              // a dead or paused broker holds no request for long
                              kafka::presets::failover()}),
        "the " + options_.topic + " reader");
    wait_for_partition(consumer_.get(), options_.topic, deadline, "reader");
    const auto list = kafka::make_partition_list({{options_.topic, 0, RD_KAFKA_OFFSET_BEGINNING}});
    if (const auto err = rd_kafka_assign(consumer_.get(), list.get());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw kafka::KafkaError(err,
                                "cannot assign " + options_.topic + ": " + kafka::describe(err));
    }
    reader_ = std::thread(common::guarded("_schemas reader", [this] { read_loop(); }));

    const auto started = Clock::now();
    const std::int64_t target = startup_end_offset(deadline);
    ProgressLog progress("replay of " + options_.topic + " to offset " + std::to_string(target));
    while (
        !wait_applied(target, std::min(deadline, Clock::now() + std::chrono::milliseconds(200)))) {
        if (Clock::now() >= deadline) {
            throw kafka::KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT,
                                    "replay of " + options_.topic + " did not reach offset " +
                                        std::to_string(target) + " within " +
                                        std::to_string(options_.timeout.count()) +
                                        " ms (REGISTRY_TIMEOUT)");
        }
        if (common::stop_requested()) {
            throw StartInterrupted();
        }
        progress.waiting("applied up to " + std::to_string(applied_offset()));
    }
    caught_up_ = true;
    const auto counts = store_.read([](const StoreState& s) {
        return std::pair{s.subjects.size(), s.schemas.size()};
    });
    spdlog::info("replayed {} records of {} in {} ms: {} subjects, {} schemas", target,
                 options_.topic, ms_since(started), counts.first, counts.second);
}

std::int64_t SchemasTopic::startup_end_offset(Clock::time_point deadline) {
    // The end of the log is where a NOOP record of ours lands (as Confluent's registry finds
    // it): no watermark query, which librdkafka 2.0.2 lets overrun its timeout when the broker
    // it asks is gone, and the replay is done only once the reader read that record from the
    // partition leader (so an empty topic is readable too).
    while (true) {
        try {
            const auto range = writer_->write({{records::noop_key(), std::nullopt}}, deadline,
                                              [] { return common::stop_requested(); });
            return range.last + 1;
        } catch (const kafka::KafkaError& e) {
            if (e.code() == RD_KAFKA_RESP_ERR__DESTROY) {
                throw StartInterrupted();
            }
            if (Clock::now() >= deadline) {
                throw kafka::KafkaError(e.code(), "end offset of " + options_.topic +
                                                      " not known within the start-up timeout "
                                                      "(REGISTRY_TIMEOUT): " +
                                                      e.what());
            }
            spdlog::warn("end offset of {}: {}; retrying", options_.topic, e.what());
            pause_or_stop(std::chrono::milliseconds(200));
            wait_for_partition(writer_->handle(), options_.topic, deadline, "writer");
        }
    }
}

void SchemasTopic::read_loop() {
    auto& applied = metrics::default_registry().counter("orderflow_registry_records_applied_total",
                                                        "records of _schemas applied to memory");
    while (!stop_) {
        const kafka::MessagePtr message(rd_kafka_consumer_poll(consumer_.get(), 100));
        if (!message) {
            continue;
        }
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const std::string key(static_cast<const char*>(message->key), message->key_len);
            std::optional<std::string> value;
            if (message->payload != nullptr) {
                value.emplace(static_cast<const char*>(message->payload), message->len);
            }
            const bool took = store_.apply(
                key, value, options_.topic + " [0] offset " + std::to_string(message->offset));
            applied.inc();
            {
                std::lock_guard lock(mutex_);
                next_offset_ = message->offset + 1;
                if (!took) {
                    constexpr std::size_t kRemembered = 1024;
                    rejected_.push_back({message->offset, key});
                    if (rejected_.size() > kRemembered) {
                        rejected_.pop_front();
                    }
                }
            }
            applied_.notify_all();
        } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            // During start-up a topic created a moment ago may be unknown to the broker asked
            // (even to its new leader for a moment), and a broker may be down: librdkafka
            // retries, the waits above are bounded.
            const bool settling = message->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                                  message->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
                                  message->err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
                                  message->err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
                                  message->err == RD_KAFKA_RESP_ERR__TRANSPORT;
            if (settling) {
                spdlog::info("{} reader: {} (retrying)", options_.topic,
                             rd_kafka_message_errstr(message.get()));
            } else {
                spdlog::warn("{} reader: {}", options_.topic,
                             rd_kafka_message_errstr(message.get()));
            }
        }
    }
}

bool SchemasTopic::wait_applied(std::int64_t next_offset, Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return applied_.wait_until(lock, deadline, [&] { return next_offset_ >= next_offset; });
}

std::int64_t SchemasTopic::applied_offset() const {
    std::lock_guard lock(mutex_);
    return next_offset_;
}

void SchemasTopic::check_leadership(const char* step) const {
    if (leadership_ != nullptr && !leadership_->is_leader()) {
        throw errors::not_leader(std::string("this instance lost the leadership before ") + step +
                                 "; nothing was written, retry the request");
    }
}

WrittenRange SchemasTopic::write_or_throw(const std::vector<Record>& records,
                                          Clock::time_point deadline,
                                          const std::string& what) {
    try {
        return writer_->write(records, deadline);
    } catch (const kafka::KafkaError& e) {
        if (e.code() == RD_KAFKA_RESP_ERR__TIMED_OUT) {
            throw errors::operation_timeout("Timed out " + what + " (REGISTRY_TIMEOUT " +
                                            std::to_string(options_.timeout.count()) +
                                            " ms): " + e.what());
        }
        throw errors::store_error(e.what());
    }
}

void SchemasTopic::read_back_or_throw(std::int64_t next_offset,
                                      Clock::time_point started,
                                      Clock::time_point deadline,
                                      const std::string& what) {
    if (!wait_applied(next_offset, deadline)) {
        throw errors::operation_timeout(
            "Timed out " + what + " (REGISTRY_TIMEOUT " + std::to_string(options_.timeout.count()) +
            " ms): after " + std::to_string(ms_since(started)) + " ms the reader applied " +
            options_.topic + " up to offset " + std::to_string(applied_offset()) + ", not " +
            std::to_string(next_offset));
    }
}

std::vector<std::pair<std::int64_t, std::string>> SchemasTopic::rejected_between(
    WrittenRange range) const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const auto& entry : rejected_) {
        if (entry.first >= range.first && entry.first <= range.last) {
            out.push_back(entry);
        }
    }
    return out;
}

void SchemasTopic::restate(const std::vector<std::pair<std::int64_t, std::string>>& rejected,
                           Clock::time_point deadline) {
    // Compaction keeps the last record of each key: a losing record must not outlive the one
    // that won at the same key, so the store's value for that key is written again after it.
    // A key the store holds nothing for (the record lost on its id, not its version) is left
    // alone: a tombstone written now could delete a version another write put there since,
    // and the losing record keeps losing on replay to the earlier record that took its id.
    std::vector<Record> fixes;
    for (const auto& [offset, key] : rejected) {
        try {
            if (auto fix = store_.restate_schema(key); fix.value) {
                fixes.push_back(std::move(fix));
            }
        } catch (const std::exception&) {
            // not a SCHEMA key: only those can lose to another writer's record
        }
    }
    if (fixes.empty()) {
        return;
    }
    try {
        writer_->write(fixes, deadline);
    } catch (const kafka::KafkaError& e) {
        spdlog::warn("{}: cannot restate {} key(s) after a conflicting write: {}", options_.topic,
                     fixes.size(), e.what());
    }
}

void SchemasTopic::sync() {
    std::lock_guard write(write_mutex_);
    write_started_ = Clock::now();
    write_deadline_ = write_started_ + options_.timeout;
    sync_pending_ = true;
    check_leadership("catching up");
    const auto noop = write_or_throw({{records::noop_key(), std::nullopt}}, write_deadline_,
                                     "catching up with " + options_.topic);
    read_back_or_throw(noop.last + 1, write_started_, write_deadline_,
                       "catching up with " + options_.topic);
}

void SchemasTopic::catch_up(Clock::time_point deadline) {
    std::lock_guard marker(marker_mutex_);
    const auto started = Clock::now();
    const auto what = "reading " + options_.topic + " to its end";
    if (stop_) {
        throw errors::operation_timeout("Stopped before " + what);
    }
    if (!marker_writer_) {
        marker_writer_ =
            std::make_unique<SchemasWriter>(settings_, options_.topic, options_.timeout);
    }
    WrittenRange noop;
    try {
        noop = marker_writer_->write({{records::noop_key(), std::nullopt}}, deadline);
    } catch (const kafka::KafkaError& e) {
        if (e.code() == RD_KAFKA_RESP_ERR__TIMED_OUT) {
            throw errors::operation_timeout("Timed out " + what + " after " +
                                            std::to_string(ms_since(started)) + " ms: " + e.what());
        }
        throw errors::store_error(e.what());
    }
    if (!wait_applied(noop.last + 1, deadline)) {
        throw errors::operation_timeout(
            "Timed out " + what + ": after " + std::to_string(ms_since(started)) +
            " ms the reader applied up to offset " + std::to_string(applied_offset()) + ", not " +
            std::to_string(noop.last + 1));
    }
}

void SchemasTopic::append(const std::vector<Record>& records) {
    std::lock_guard write(write_mutex_);
    if (!sync_pending_) {  // a write without a catch-up first gets a deadline of its own
        write_started_ = Clock::now();
        write_deadline_ = write_started_ + options_.timeout;
    }
    sync_pending_ = false;
    // Leadership may have moved while this write waited for the lock or caught up.
    check_leadership("producing");
    const auto range = write_or_throw(records, write_deadline_, "writing to " + options_.topic);
    read_back_or_throw(range.last + 1, write_started_, write_deadline_,
                       "reading the write back from " + options_.topic);
    const auto rejected = rejected_between(range);
    if (!rejected.empty()) {
        restate(rejected, write_deadline_);
        throw errors::store_error(
            "the store did not take the record at offset " + std::to_string(rejected[0].first) +
            " of " + options_.topic +
            ": another instance wrote that subject version or id first (leadership moved during "
            "the write); retry the request");
    }
}

}  // namespace orderflow::registry
