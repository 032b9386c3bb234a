#include "registry/schemas_topic.h"

#include "common/shutdown.h"
#include "kafka/admin_client.h"
#include "kafka/kafka_error.h"
#include "metrics/metrics.h"
#include "registry/api_error.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <map>
#include <thread>

namespace orderflow::registry {
namespace {

struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* l) const {
        rd_kafka_topic_partition_list_destroy(l);
    }
};

// One append's delivery reports: the callback runs on the poller thread.
struct Delivery {
    std::mutex mutex;
    std::condition_variable done;
    std::size_t pending = 0;
    rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
    std::int64_t last_offset = -1;
};

extern "C" void on_delivery(rd_kafka_t* /*rk*/,
                            const rd_kafka_message_t* message,
                            void* /*opaque*/) {
    auto* delivery = static_cast<Delivery*>(message->_private);
    if (delivery == nullptr) {
        return;
    }
    std::lock_guard lock(delivery->mutex);
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        delivery->error = message->err;
    } else {
        delivery->last_offset = std::max(delivery->last_offset, message->offset);
    }
    --delivery->pending;
    delivery->done.notify_all();
}

kafka::HandlePtr make_handle(rd_kafka_type_t type, kafka::ConfPtr conf) {
    std::array<char, 512> error{};
    rd_kafka_t* handle = rd_kafka_new(type, conf.get(), error.data(), error.size());
    if (handle == nullptr) {
        throw kafka::KafkaError(RD_KAFKA_RESP_ERR__INVALID_ARG,
                                std::string("cannot create Kafka client: ") + error.data());
    }
    conf.release();
    return kafka::HandlePtr(handle);
}

using Clock = std::chrono::steady_clock;

struct TopicDeleter {
    void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};
struct MetadataDeleter {
    void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};

/// Time left until `deadline`, clamped to [floor, cap] so one blocking call cannot eat it all.
int slice_ms(Clock::time_point deadline, int floor_ms, int cap_ms) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<std::int64_t>(left, floor_ms, cap_ms));
}

/// Sleeps `duration` in short steps; StartInterrupted when a stop is requested.
void pause_or_stop(std::chrono::milliseconds duration) {
    if (common::sleep_unless_stopped(duration)) {
        throw StartInterrupted();
    }
}

/// Progress of a start-up wait: silent when it is short, then one line a second.
class ProgressLog {
public:
    explicit ProgressLog(std::string what)
        : what_(std::move(what)), since_(Clock::now()), last_(since_) {}
    void waiting(const std::string& problem) {
        const auto now = Clock::now();
        if (now - last_ >= std::chrono::seconds(1)) {
            last_ = now;
            logged_ = true;
            spdlog::info("{}: still waiting after {} ms: {}", what_, elapsed_ms(), problem);
        } else {
            spdlog::debug("{}: waiting: {}", what_, problem);
        }
    }
    void done() const {
        if (logged_) {
            spdlog::info("{}: done after {} ms", what_, elapsed_ms());
        }
    }

private:
    std::int64_t elapsed_ms() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since_).count();
    }
    std::string what_;
    Clock::time_point since_;
    Clock::time_point last_;
    bool logged_ = false;
};

}  // namespace

void wait_for_partition(rd_kafka_t* handle,
                        const std::string& topic,
                        Clock::time_point deadline,
                        const std::string& who) {
    // Created and destroyed here: no topic object may outlive this call (STYLE 8.19).
    std::unique_ptr<rd_kafka_topic_t, TopicDeleter> rkt(
        rd_kafka_topic_new(handle, topic.c_str(), nullptr));
    ProgressLog progress(who + ": " + topic + " [0] visible");
    while (true) {
        const rd_kafka_metadata_t* raw = nullptr;
        rd_kafka_resp_err_t err =
            rd_kafka_metadata(handle, 0, rkt.get(), &raw, slice_ms(deadline, 100, 5000));
        std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> metadata(raw);
        std::string problem;
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            problem = "metadata request: " + kafka::describe(err);
        } else {
            err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
            problem = "not in the metadata answer";
            for (int i = 0; i < metadata->topic_cnt; ++i) {
                const auto& t = metadata->topics[i];
                if (topic != t.topic) {
                    continue;
                }
                if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
                    err = t.err;
                    problem = kafka::describe(t.err);
                    break;
                }
                err = RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
                problem = "partition 0 not in the metadata answer";
                for (int p = 0; p < t.partition_cnt; ++p) {
                    if (t.partitions[p].id != 0) {
                        continue;
                    }
                    if (t.partitions[p].leader < 0) {
                        err = RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
                        problem = "partition 0 has no leader yet";
                    } else {
                        err = RD_KAFKA_RESP_ERR_NO_ERROR;
                    }
                }
                break;
            }
        }
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            progress.done();
            return;
        }
        if (Clock::now() >= deadline) {
            throw kafka::KafkaError(err, who + ": " + topic + " [0] not visible within the " +
                                             "start-up timeout (REGISTRY_TIMEOUT): " + problem);
        }
        progress.waiting(problem);
        pause_or_stop(std::chrono::milliseconds(200));
    }
}

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
    if (producer_) {
        rd_kafka_flush(producer_.get(), 5000);
        if (const int left = rd_kafka_outq_len(producer_.get()); left > 0) {
            spdlog::warn("{}: {} message(s) or request(s) still queued at shutdown", options_.topic,
                         left);
        }
    }
    if (poller_.joinable()) {
        poller_.join();
    }
    if (consumer_) {
        // Assigned, not subscribed: nothing to leave; close is quick.
        rd_kafka_consumer_close(consumer_.get());
        consumer_.reset();
    }
    producer_.reset();
}

void SchemasTopic::ensure_topic() {
    kafka::AdminClient admin(settings_, options_.timeout);
    const auto outcome = admin.create_topic(
        {options_.topic, 1, options_.replication_factor, {{"cleanup.policy", "compact"}}});
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
    // librdkafka caches (watermark queries then fail with _UNKNOWN_PARTITION without asking
    // again). So every handle waits until its own metadata shows the partition with a leader.
    auto producer_conf = kafka::make_conf(
        settings_, {{"enable.idempotence", "true"},
                    {"acks", "all"},
                    {"linger.ms", "0"},
                    {"message.timeout.ms", std::to_string(options_.timeout.count())}});
    rd_kafka_conf_set_dr_msg_cb(producer_conf.get(), on_delivery);
    producer_ = make_handle(RD_KAFKA_PRODUCER, std::move(producer_conf));
    poller_ = std::thread([this] {
        while (!stop_) {
            rd_kafka_poll(producer_.get(), 100);
        }
    });
    wait_for_partition(producer_.get(), options_.topic, deadline, "writer");

    auto consumer_conf = kafka::make_conf(settings_, {{"group.id", settings_.client_id + "-reader"},
                                                      {"enable.auto.commit", "false"},
                                                      {"auto.offset.reset", "earliest"},
                                                      {"fetch.wait.max.ms", "50"}});
    consumer_ = make_handle(RD_KAFKA_CONSUMER, std::move(consumer_conf));
    rd_kafka_poll_set_consumer(consumer_.get());
    wait_for_partition(consumer_.get(), options_.topic, deadline, "reader");
    std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> list(
        rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), options_.topic.c_str(), 0)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
    if (const auto err = rd_kafka_assign(consumer_.get(), list.get());
        err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw kafka::KafkaError(err,
                                "cannot assign " + options_.topic + ": " + kafka::describe(err));
    }
    reader_ = std::thread([this] { read_loop(); });

    const auto started = Clock::now();
    const std::int64_t target = startup_end_offset(deadline);
    wait_reader_fetching(deadline);
    ProgressLog progress("replay of " + options_.topic + " to offset " + std::to_string(target));
    while (!wait_applied(target, std::chrono::milliseconds(200))) {
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
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    const auto counts = store_.read([](const StoreState& s) {
        return std::pair{s.subjects.size(), s.schemas.size()};
    });
    spdlog::info("replayed {} records of {} in {} ms: {} subjects, {} schemas", target,
                 options_.topic, elapsed.count(), counts.first, counts.second);
}

std::int64_t SchemasTopic::startup_end_offset(Clock::time_point deadline) {
    // Each query is bounded by what is left (STYLE 8.22: on 2.0.2 the call may overrun its own
    // timeout, so never hand it the whole budget); a failure re-reads the metadata, which
    // replaces a cached "unknown" answer, and asks again.
    ProgressLog progress("end offset of " + options_.topic);
    while (true) {
        try {
            const auto high =
                high_watermark(std::chrono::milliseconds(slice_ms(deadline, 100, 5000)));
            progress.done();
            return high;
        } catch (const kafka::KafkaError& e) {
            if (Clock::now() >= deadline) {
                throw;
            }
            progress.waiting(e.what());
            pause_or_stop(std::chrono::milliseconds(200));
            wait_for_partition(producer_.get(), options_.topic, deadline, "writer");
        }
    }
}

void SchemasTopic::wait_reader_fetching(Clock::time_point deadline) {
    // The reader's cached high watermark is set by its first answer from the partition leader:
    // until then an empty topic would count as replayed although nothing can be read back.
    ProgressLog progress("reader fetching " + options_.topic + " [0]");
    while (true) {
        std::int64_t low = -1;
        std::int64_t high = -1;
        if (rd_kafka_get_watermark_offsets(consumer_.get(), options_.topic.c_str(), 0, &low,
                                           &high) == RD_KAFKA_RESP_ERR_NO_ERROR &&
            high >= 0) {
            progress.done();
            return;
        }
        if (Clock::now() >= deadline) {
            throw kafka::KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT,
                                    "the reader got no answer from the leader of " +
                                        options_.topic + " [0] within the start-up timeout");
        }
        progress.waiting("no fetch answer yet");
        pause_or_stop(std::chrono::milliseconds(50));
    }
}

void SchemasTopic::read_loop() {
    auto& applied = metrics::default_registry().counter("orderflow_registry_records_applied_total",
                                                        "records of _schemas applied to memory");
    while (!stop_) {
        rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_.get(), 100);
        if (message == nullptr) {
            continue;
        }
        if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const std::string key(static_cast<const char*>(message->key), message->key_len);
            std::optional<std::string> value;
            if (message->payload != nullptr) {
                value.emplace(static_cast<const char*>(message->payload), message->len);
            }
            store_.apply(key, value);
            applied.inc();
            {
                std::lock_guard lock(mutex_);
                next_offset_ = message->offset + 1;
            }
            applied_.notify_all();
        } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            // During start-up a topic created a moment ago may be unknown to the broker asked
            // (even to its new leader for a moment): librdkafka retries, start() waits.
            const bool settling =
                !caught_up_ && (message->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
                                message->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
                                message->err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
                                message->err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
            if (settling) {
                spdlog::info("{} reader: {} (retrying)", options_.topic,
                             rd_kafka_message_errstr(message));
            } else {
                spdlog::warn("{} reader: {}", options_.topic, rd_kafka_message_errstr(message));
            }
        }
        rd_kafka_message_destroy(message);
    }
}

std::int64_t SchemasTopic::high_watermark(std::chrono::milliseconds timeout) {
    std::int64_t low = 0;
    std::int64_t high = 0;
    const auto err = rd_kafka_query_watermark_offsets(
        producer_.get(), options_.topic.c_str(), 0, &low, &high, static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw kafka::KafkaError(
            err, "cannot read the end offset of " + options_.topic + ": " + kafka::describe(err));
    }
    return high;
}

bool SchemasTopic::wait_applied(std::int64_t next_offset, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return applied_.wait_for(lock, timeout, [&] { return next_offset_ >= next_offset; });
}

std::int64_t SchemasTopic::applied_offset() const {
    std::lock_guard lock(mutex_);
    return next_offset_;
}

void SchemasTopic::sync() {
    std::int64_t target = 0;
    try {
        target = high_watermark(options_.timeout);
    } catch (const kafka::KafkaError& e) {
        throw errors::store_error(e.what());
    }
    if (!wait_applied(target, options_.timeout)) {
        throw errors::operation_timeout("Timed out waiting for the Kafka store to reach offset " +
                                        std::to_string(target));
    }
}

void SchemasTopic::append(const std::vector<Record>& records) {
    std::lock_guard write(write_mutex_);
    Delivery delivery;
    delivery.pending = records.size();
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        const void* value = r.value ? r.value->data() : nullptr;
        const std::size_t value_len = r.value ? r.value->size() : 0;
        std::array<rd_kafka_vu_t, 6> vu{};
        vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        vu[0].u.cstr = options_.topic.c_str();
        vu[1].vtype = RD_KAFKA_VTYPE_PARTITION;
        vu[1].u.i32 = 0;
        vu[2].vtype = RD_KAFKA_VTYPE_KEY;
        vu[2].u.mem.ptr = const_cast<char*>(r.key.data());  // copied: F_COPY
        vu[2].u.mem.size = r.key.size();
        vu[3].vtype = RD_KAFKA_VTYPE_VALUE;
        vu[3].u.mem.ptr = const_cast<void*>(value);
        vu[3].u.mem.size = value_len;
        vu[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vu[4].u.i = RD_KAFKA_MSG_F_COPY;
        vu[5].vtype = RD_KAFKA_VTYPE_OPAQUE;
        vu[5].u.ptr = &delivery;
        rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
        if (rd_kafka_error_t* error = rd_kafka_produceva(producer_.get(), vu.data(), vu.size())) {
            err = rd_kafka_error_code(error);
            rd_kafka_error_destroy(error);
        }
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            std::unique_lock lock(delivery.mutex);
            delivery.pending -= records.size() - i;
            delivery.error = err;
            delivery.done.wait_for(lock, options_.timeout + std::chrono::seconds(5),
                                   [&] { return delivery.pending == 0; });
            throw errors::store_error(kafka::describe(err));
        }
    }
    {
        std::unique_lock lock(delivery.mutex);
        if (!delivery.done.wait_for(lock, options_.timeout + std::chrono::seconds(5),
                                    [&] { return delivery.pending == 0; })) {
            // The callback still points at `delivery`: wait it out before leaving.
            lock.unlock();
            rd_kafka_flush(producer_.get(), -1);
            lock.lock();
            delivery.done.wait(lock, [&] { return delivery.pending == 0; });
            throw errors::operation_timeout("Write to the Kafka store timed out");
        }
        if (delivery.error != RD_KAFKA_RESP_ERR_NO_ERROR) {
            throw errors::store_error(kafka::describe(delivery.error));
        }
    }
    if (!wait_applied(delivery.last_offset + 1, options_.timeout)) {
        throw errors::operation_timeout("Timed out waiting for the write to be read back");
    }
}

}  // namespace orderflow::registry
