#include "consumer/consumer_loop.h"

#include "common/config_error.h"
#include "common/shutdown.h"
#include "kafka/topic_reader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <utility>

namespace orderflow::consumer {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kIdleWait{100};
constexpr auto kProgressEvery = std::chrono::seconds(10);

metrics::Counter& counter(const std::string& name,
                          const std::string& help,
                          const std::string& group) {
    return metrics::default_registry().counter("orderflow_consumer_" + name + "_total", help,
                                               {{"group", group}});
}

metrics::Gauge& gauge(const std::string& name, const std::string& help, const std::string& group) {
    return metrics::default_registry().gauge("orderflow_consumer_" + name, help,
                                             {{"group", group}});
}

std::set<TopicPartition> to_set(const std::vector<RdKafka::TopicPartition*>& partitions) {
    std::set<TopicPartition> out;
    for (const auto* tp : partitions) {
        out.emplace(tp->topic(), tp->partition());
    }
    return out;
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

ConsumerLoop::ConsumerLoop(const ConsumerSettings& settings,
                           BatchProcessor& processor,
                           CommitPolicy& policy,
                           RedisOffsetSeek& redis_seek,
                           RedisWatch* redis_watch)
    : settings_(settings),
      policy_(policy),
      redis_seek_(redis_seek),
      redis_watch_(redis_watch),
      writer_(processor, settings.group, settings.retry_max_backoff),
      accumulator_(policy.make_accumulator()),
      messages_total_(counter("messages", "Messages consumed", settings.group)),
      applied_total_(counter("orders_applied", "Orders written to Redis", settings.group)),
      duplicates_total_(counter("duplicates", "Redeliveries counted, not applied", settings.group)),
      dead_lettered_total_(counter("dead_lettered", "Messages sent to the DLQ", settings.group)),
      failures_total_(counter("dependency_failures",
                              "Failed attempts to write a batch (Redis, registry, DLQ)",
                              settings.group)),
      batches_total_(counter("batches", "Batches written to Redis", settings.group)),
      commits_total_(counter("commits",
                             "Offset stores (auto-commit mode) or answered commits (batch mode)",
                             settings.group)),
      committed_messages_total_(
          counter("committed_messages", "Messages those commits covered", settings.group)),
      commit_failures_total_(counter("commit_failures",
                                     "Commits that failed or were not answered in time; sent again",
                                     settings.group)),
      paused_gauge_(
          gauge("paused", "1 while consumption is paused on a dependency", settings.group)),
      held_gauge_(gauge("batch_held",
                        "Messages held toward the next batch (batch mode: written at "
                        "BATCH_SIZE, or on revocation and shutdown)",
                        settings.group)),
      uncommitted_gauge_(gauge("uncommitted_partitions",
                               "Partitions written to Redis and not yet committed",
                               settings.group)) {
    revoke_throws_ = settings.failpoint.revoke_throws;
    const bool auto_commit = settings.mode == CommitMode::kAuto;
    auto client = settings.pipeline.kafka;
    client.client_id = "orderflow-consumer-" + settings.group;
    auto conf = kafka::make_cpp_conf(
        client, {{"group.id", settings.group},
                 {"enable.auto.commit", auto_commit ? "true" : "false"},
                 {"auto.commit.interval.ms", "1000"},
                 {"enable.auto.offset.store", "false"},
                 {"auto.offset.reset", "earliest"},
                 {"enable.partition.eof", "false"},
                 // Eager assignors: the cooperative one has 2.0.2 bugs.
                 {"partition.assignment.strategy", "range,roundrobin"},
                 {"session.timeout.ms", "10000"},
                 // COMMIT_TIMEOUT bounds every request: close() with a hung coordinator
                 // waits about two of them, not a minute.
                 {"socket.timeout.ms", std::to_string(settings.commit_timeout.count())},
                 {"heartbeat.interval.ms", "2000"},
                 // Prefetch sized on purpose: librdkafka's defaults (64 MB queued per partition,
                 // 50 MB per fetch) grew a backlogged consumer to ~62 MB; 2 MB per partition is
                 // still ~12 000 orders each, far more than a Redis round trip takes.
                 {"queued.min.messages", "10000"},
                 {"queued.max.messages.kbytes", "2048"},
                 {"fetch.max.bytes", "2097152"}});
    std::string error;
    if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), error) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events_), error) !=
            RdKafka::Conf::CONF_OK) {
        throw common::ConfigError("kafka consumer", error);
    }
    if (settings.failpoint.crash_before_commit > 0) {
        spdlog::warn("failpoint: crashing before the commit of batch {}",
                     settings.failpoint.crash_before_commit);
    }
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer_) {
        throw common::ConfigError("KAFKA_EXTRA", "cannot create the consumer: " + error);
    }
    offsets_ = std::make_unique<KafkaOffsets>(*consumer_);
}

ConsumerLoop::~ConsumerLoop() {
    if (consumer_) {  // run() did not get to close it
        offsets_->close();
        closing_ = true;
        consumer_->close();
        assignment_.clear();
        consumer_.reset();
    }
}

bool ConsumerLoop::fatal() const {
    return events_.fatal() || !fatal_error_.empty();
}

std::optional<WriterHost::Clock::time_point> ConsumerLoop::stop_deadline() {
    if (!stop_deadline_ && common::stop_requested()) {
        stop_deadline_ = Clock::now() + settings_.shutdown_timeout;
    }
    return stop_deadline_;
}

void ConsumerLoop::set_paused(bool paused, const std::string& why) {
    {
        std::lock_guard lock(status_mutex_);
        status_.last_failure = why;
    }
    if (paused_ == paused) {
        return;
    }
    const auto code = paused ? assignment_.pause(*consumer_) : assignment_.resume(*consumer_);
    if (code != RdKafka::ERR_NO_ERROR) {
        spdlog::warn("{} failed: {}", paused ? "pause" : "resume", RdKafka::err2str(code));
    }
    paused_ = paused;
    paused_gauge_.set(paused ? 1 : 0);
    if (paused) {
        spdlog::warn("group {}: paused consumption of {}: {}", settings_.group,
                     assignment_.describe(), why);
    } else {
        spdlog::info("group {}: resumed consumption of {}", settings_.group,
                     assignment_.describe());
    }
}

void ConsumerLoop::rebalance_cb(RdKafka::KafkaConsumer* consumer,
                                RdKafka::ErrorCode err,
                                std::vector<RdKafka::TopicPartition*>& partitions) {
    // Runs inside consume()/close() on the loop thread; nothing may escape into librdkafka.
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
        redis_seek_.assigned(to_set(partitions));
        // Where Redis is behind the committed offset (an older copy), start there; never throws.
        start_where_redis_is(*consumer, partitions, redis_seek_, settings_.commit_timeout);
        consumer->assign(partitions);  // whatever follows, the assignment stands
        try {
            spdlog::info("group {}: assigned {}", settings_.group, describe(partitions));
            assignment_.set(partitions);
            // librdkafka keeps a partition's pause across unassign/assign: set it either way.
            const auto code =
                paused_ ? assignment_.pause(*consumer) : assignment_.resume(*consumer);
            if (code != RdKafka::ERR_NO_ERROR) {
                spdlog::warn("group {}: {} after assignment failed: {}", settings_.group,
                             paused_ ? "pause" : "resume", RdKafka::err2str(code));
            }
            publish_status();
        } catch (const std::exception& e) {
            spdlog::error("group {}: recording the assignment failed: {}", settings_.group,
                          e.what());
        }
        return;
    }
    // Revocation or an error: unassign() ends the callback whatever happens on the way.
    struct Unassign {
        RdKafka::KafkaConsumer* consumer;
        Assignment& assignment;
        ~Unassign() {
            consumer->unassign();  // auto-commit mode commits the stored offsets here
            assignment.clear();
        }
    } unassign{consumer, assignment_};
    try {
        if (err == RdKafka::ERR__REVOKE_PARTITIONS) {
            revoke(*consumer, partitions);
        } else {
            spdlog::error("group {}: rebalance error {}", settings_.group, RdKafka::err2str(err));
        }
    } catch (const FatalError& e) {
        fatal_error_ = e.what();
        spdlog::error("group {}: {}", settings_.group, fatal_error_);
    } catch (const std::exception& e) {
        spdlog::error("group {}: revocation failed ({}); unassigning anyway", settings_.group,
                      e.what());
    }
}

void ConsumerLoop::revoke(RdKafka::KafkaConsumer& consumer,
                          const std::vector<RdKafka::TopicPartition*>& partitions) {
    spdlog::info("group {}: revoked {}", settings_.group, describe(partitions));
    if (std::exchange(revoke_throws_, false)) {
        throw std::runtime_error("failpoint revoke-throws");
    }
    const bool lost = consumer.assignment_lost();
    auto held = std::move(in_flight_);
    in_flight_.clear();
    for (auto& message : accumulator_.take()) {
        held.push_back(std::move(message));
    }
    held_gauge_.set(0);
    if (!held.empty()) {
        if (lost || closing_) {
            spdlog::warn(
                "group {}: assignment lost; {} unwritten message(s) dropped, to be redelivered",
                settings_.group, held.size());
        } else if (const auto outcome = writer_.try_once(held)) {
            written(*outcome, held.size());
        } else {
            spdlog::warn(
                "group {}: {} message(s) not written before revocation ({}); they will be "
                "redelivered",
                settings_.group, held.size(), writer_.last_failure());
        }
    }
    policy_.revoke(to_set(partitions), lost || closing_, *offsets_,
                   Clock::now() + settings_.commit_timeout);
    publish_status();
}

bool ConsumerLoop::take_message(RdKafka::Message& message) {
    switch (message.err()) {
        case RdKafka::ERR_NO_ERROR: {
            auto inbound = kafka::copy_out(message);  // the readers' copy: one place
            accumulator_.add(std::move(inbound), Clock::now());
            ++consumed_;
            messages_total_.inc();
            held_gauge_.set(static_cast<double>(accumulator_.size()));
            return true;
        }
        case RdKafka::ERR__TIMED_OUT:
        case RdKafka::ERR__PARTITION_EOF:
            return false;
        default:
            spdlog::warn("group {}: consume: {}", settings_.group, message.errstr());
            return false;
    }
}

void ConsumerLoop::written(const BatchOutcome& outcome, std::size_t messages) {
    const auto batches = static_cast<std::int64_t>(policy_.batches_in(messages));
    batches_written_ += batches;
    const auto crash_at = settings_.failpoint.crash_before_commit;
    if (crash_at > 0 && batches_written_ >= crash_at && batches_written_ - batches < crash_at) {
        spdlog::warn("failpoint: batch {} is in Redis; SIGKILL before committing it", crash_at);
        std::raise(SIGKILL);
    }
    batches_total_.inc(static_cast<double>(batches));
    policy_.written(outcome.commit, messages, *offsets_, Clock::now());
    applied_ += outcome.applied;
    duplicates_ += outcome.duplicates;
    dead_lettered_ += outcome.dead_lettered;
    applied_total_.inc(static_cast<double>(outcome.applied));
    duplicates_total_.inc(static_cast<double>(outcome.duplicates));
    dead_lettered_total_.inc(static_cast<double>(outcome.dead_lettered));
    spdlog::debug("group {}: batch of {}: applied {} duplicates {} dead-lettered {}",
                  settings_.group, messages, outcome.applied, outcome.duplicates,
                  outcome.dead_lettered);
}

void ConsumerLoop::serve_for(milliseconds duration) {
    rewind_to_redis();  // a write found Redis behind: before the batch is tried again
    const auto until = Clock::now() + duration;
    while (Clock::now() < until && !fatal()) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
        std::unique_ptr<RdKafka::Message> message(consumer_->consume(
            static_cast<int>(std::clamp(left, milliseconds(1), kIdleWait).count())));
        take_message(*message);  // held in the accumulator until the dependency is back
        message.reset();
        policy_.service(*offsets_, Clock::now());  // commits of what is written go on
        publish_status();
    }
}

void ConsumerLoop::rewind_to_redis() {
    std::set<TopicPartition> failed;
    const auto sought = assignment_.seek(*consumer_, redis_seek_.take_rewinds(), failed);
    redis_seek_.recheck(failed);
    if (!sought.empty()) {
        drop_partitions(in_flight_, sought);  // read again from Redis's offset
        accumulator_.take(sought);
        held_gauge_.set(static_cast<double>(accumulator_.size()));
    }
}

void ConsumerLoop::watch_redis() {
    try {
        if (redis_watch_ == nullptr || !redis_watch_->lost(Clock::now())) {
            return;
        }
        spdlog::warn(
            "group {}: redis lost this consumer's marker {} (FLUSHALL, or a failover to an empty "
            "or older copy): comparing {} with what redis holds",
            settings_.group, redis_watch_->key(), assignment_.describe());
        const auto committed =
            committed_offsets(*consumer_, assignment_.partitions(), settings_.commit_timeout);
        if (!committed) {
            return;  // the marker stays gone: asked again at the next check
        }
        redis_seek_.redis_lost(*committed);
        redis_watch_->arm();
    } catch (const std::exception& e) {
        // Redis away: the writer notices it too, and the next check asks again.
        spdlog::debug("group {}: watching redis: {}", settings_.group, e.what());
        return;
    }
    rewind_to_redis();
}

void ConsumerLoop::flush(bool everything) {
    for (auto& message : everything
                             ? accumulator_.take()
                             : accumulator_.take(policy_.writable(accumulator_, Clock::now()))) {
        in_flight_.push_back(std::move(message));
    }
    held_gauge_.set(static_cast<double>(accumulator_.size()));
    const auto messages = in_flight_.size();
    const auto failures_before = writer_.failures();
    auto outcome = writer_.write(in_flight_, *this);
    failures_total_.inc(static_cast<double>(writer_.failures() - failures_before));
    if (outcome) {
        written(*outcome, messages);
    }
}

void ConsumerLoop::publish_status() {
    const auto& counters = policy_.counters();
    commits_total_.inc(static_cast<double>(counters.commits - reported_.commits));
    committed_messages_total_.inc(
        static_cast<double>(counters.committed_messages - reported_.committed_messages));
    commit_failures_total_.inc(static_cast<double>(counters.failures - reported_.failures));
    reported_ = counters;
    const auto commit = policy_.status();
    uncommitted_gauge_.set(static_cast<double>(commit.uncommitted_partitions));
    std::lock_guard lock(status_mutex_);
    status_.held = accumulator_.size();
    status_.assigned = assignment_.describe();
    status_.commit = commit;
    status_.fatal = fatal();
}

metrics::HealthReport ConsumerLoop::health() const {
    Status status;
    {
        std::lock_guard lock(status_mutex_);
        status = status_;
    }
    const bool paused = paused_.load();
    std::int64_t age_ms = 0;
    if (status.commit.uncommitted_since) {
        age_ms = std::chrono::duration_cast<milliseconds>(Clock::now() -
                                                          *status.commit.uncommitted_since)
                     .count();
    }
    const bool stuck = age_ms > settings_.commit_timeout.count();
    const bool batch = settings_.mode == CommitMode::kBatch;
    std::string details =
        R"({"group":)" + json_string(settings_.group) + R"(,"mode":)" +
        json_string(std::string(policy_.name())) + R"(,"consuming":)" +
        (paused ? "false" : "true") + R"(,"assigned":)" + json_string(status.assigned) +
        R"(,"batch":{"held":)" + std::to_string(status.held) + R"(,"size":)" +
        std::to_string(batch ? settings_.batch_size : kAutoModeMaxBatch) + R"(,"text":)" +
        json_string("held " + std::to_string(status.held) + " of " +
                    std::to_string(batch ? settings_.batch_size : kAutoModeMaxBatch)) +
        R"(},"commit":{"uncommitted_partitions":)" +
        std::to_string(status.commit.uncommitted_partitions) + R"(,"in_flight":)" +
        std::to_string(status.commit.in_flight) + R"(,"oldest_uncommitted_ms":)" +
        std::to_string(age_ms) + R"(,"stuck":)" + (stuck ? "true" : "false") + "}";
    if (paused) {
        details += R"(,"paused_on":)" + json_string(status.last_failure);
    }
    details += "}";
    return {!paused && !stuck && !status.fatal && !events_.fatal(), details};
}

void ConsumerLoop::log_progress(bool force) {
    const auto now = Clock::now();
    if (!force && (now - last_progress_ < kProgressEvery || consumed_ == logged_consumed_)) {
        return;
    }
    spdlog::info("group {}: consumed {} applied {} duplicates {} dead-lettered {}", settings_.group,
                 consumed_, applied_, duplicates_, dead_lettered_);
    last_progress_ = now;
    logged_consumed_ = consumed_;
}

int ConsumerLoop::run() {
    const auto code = consumer_->subscribe({settings_.pipeline.topic});
    if (code != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("cannot subscribe to " + settings_.pipeline.topic + ": " +
                                 RdKafka::err2str(code));
    }
    spdlog::info("group {}: consuming {} ({} mode{}) into redis {}:{}", settings_.group,
                 settings_.pipeline.topic, policy_.name(),
                 settings_.mode == CommitMode::kBatch
                     ? ", batches of " + std::to_string(settings_.batch_size)
                     : std::string(),
                 settings_.redis.host, settings_.redis.port);
    last_progress_ = Clock::now();
    try {
        while (!common::stop_requested() && !fatal()) {
            auto wait = kIdleWait;
            if (const auto at = policy_.wake_at(accumulator_)) {
                wait = std::clamp(std::chrono::duration_cast<milliseconds>(*at - Clock::now()),
                                  milliseconds(0), kIdleWait);
            }
            std::unique_ptr<RdKafka::Message> message(
                consumer_->consume(static_cast<int>(wait.count())));
            const bool got = take_message(*message);
            message.reset();
            if (policy_.ready(accumulator_, !got, Clock::now())) {
                flush(false);
            }
            policy_.service(*offsets_, Clock::now());
            watch_redis();
            publish_status();
            log_progress(false);
        }
        if (!fatal()) {
            stop_deadline();
            spdlog::info("group {}: stopping: writing {} held message(s), then committing",
                         settings_.group, accumulator_.size() + in_flight_.size());
            flush(true);
        }
    } catch (const FatalError& e) {
        fatal_error_ = e.what();
        spdlog::error("group {}: {}; exiting", settings_.group, fatal_error_);
    }
    // What is in Redis is committed within SHUTDOWN_TIMEOUT; what is not is redelivered.
    const auto deadline = stop_deadline_.value_or(Clock::now() + settings_.shutdown_timeout);
    if (!policy_.finish(*offsets_, deadline)) {
        spdlog::warn(
            "group {}: leaving with written but uncommitted offsets: those messages will be "
            "redelivered and counted as duplicates",
            settings_.group);
    }
    publish_status();
    log_progress(true);
    offsets_->close();  // every queue gone before close()
    closing_ = true;
    consumer_->close();  // revoke (our callback), final auto-commit, leave the group
    assignment_.clear();
    consumer_.reset();
    spdlog::info("group {}: left the group", settings_.group);
    if (!fatal_error_.empty()) {
        spdlog::error("group {}: exiting with status 1: {}", settings_.group, fatal_error_);
    }
    return fatal() ? 1 : 0;
}

}  // namespace orderflow::consumer
