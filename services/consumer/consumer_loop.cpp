#include "consumer/consumer_loop.h"

#include "common/shutdown.h"
#include "consumer/consumer_health.h"
#include "kafka/kafka_error.h"
#include "kafka/topic_reader.h"
#include "orders/generator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <utility>

namespace orderflow::consumer {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kIdleWait{100};

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
      metrics_(settings.group) {
    revoke_throws_ = settings.failpoint.revoke_throws;
    if (settings.failpoint.crash_before_commit > 0) {
        spdlog::warn("failpoint: crashing before the commit of batch {}",
                     settings.failpoint.crash_before_commit);
    }
    consumer_ = make_consumer_client(settings, *this, events_);
    offsets_ = std::make_unique<KafkaOffsets>(*consumer_);
}

ConsumerLoop::~ConsumerLoop() {
    if (consumer_) {  // run() did not get to close it
        close_client();
    }
}

void ConsumerLoop::close_client() {
    offsets_->close();  // every queue gone before close()
    closing_ = true;
    consumer_->close();  // revoke (our callback), final auto-commit, leave the group
    assignment_.clear();
    consumer_.reset();
}

bool ConsumerLoop::fatal() const {
    return fatal_.stopped();
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
    metrics_.paused.set(paused ? 1 : 0);
    if (paused) {
        spdlog::warn("group {}: paused consumption of {}: {}", settings_.group,
                     assignment_.describe(), why);
    } else {
        spdlog::info("group {}: resumed consumption of {}", settings_.group,
                     assignment_.describe());
    }
}

bool ConsumerLoop::take_message(RdKafka::Message& message) {
    switch (message.err()) {
        case RdKafka::ERR_NO_ERROR: {
            auto inbound = kafka::copy_out(message);  // the readers' copy: one place
            inbound.fetched_at_ms = orders::now_ms();
            accumulator_.add(std::move(inbound), Clock::now());
            metrics_.consumed();
            metrics_.held.set(static_cast<double>(accumulator_.size()));
            return true;
        }
        case RdKafka::ERR__TIMED_OUT:
        case RdKafka::ERR__PARTITION_EOF:
            return false;
        default:
            if (const auto code = static_cast<rd_kafka_resp_err_t>(message.err());
                kafka::is_authorization_failure(code)) {
                spdlog::error("group {}: consume: {} ({})", settings_.group, message.errstr(),
                              kafka::not_authorized(code));
            } else {
                spdlog::warn("group {}: consume: {}", settings_.group, message.errstr());
            }
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
    metrics_.batches.inc(static_cast<double>(batches));
    policy_.written(outcome.commit, messages, *offsets_, Clock::now());
    metrics_.written(outcome);
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
        metrics_.held.set(static_cast<double>(accumulator_.size()));
    }
}

void ConsumerLoop::watch_redis() {
    try {
        if (redis_watch_ == nullptr ||
            !redis_watch_->lost(Clock::now(), assignment_.partitions())) {
            return;
        }
        spdlog::warn(
            "group {}: redis lost one of this consumer's markers {}, or its masters changed "
            "(FLUSHALL, or a failover to an empty or older copy): comparing {} with what redis "
            "holds",
            settings_.group, redis_watch_->describe(), assignment_.describe());
        const auto committed =
            committed_offsets(*consumer_, assignment_.partitions(), settings_.commit_timeout);
        if (!committed) {
            return;  // the marker stays gone: asked again at the next check
        }
        redis_seek_.redis_lost(*committed);
        redis_watch_->arm(assignment_.partitions());
    } catch (const redis::AclDenied& e) {
        // Not Redis away: the watch cannot work until the ACL allows its key. Said once.
        if (watch_denied_ != e.what()) {
            watch_denied_ = e.what();
            spdlog::warn("group {}: cannot watch redis for lost data: {}", settings_.group,
                         e.what());
        }
        return;
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
    metrics_.held.set(static_cast<double>(accumulator_.size()));
    const auto messages = in_flight_.size();
    const auto failures_before = writer_.failures();
    auto outcome = writer_.write(in_flight_, *this);
    const auto stored_ms = orders::now_ms();  // the write that applied them has returned
    metrics_.failures.inc(static_cast<double>(writer_.failures() - failures_before));
    if (outcome) {
        metrics_.stored(outcome->applied_times, stored_ms);
        written(*outcome, messages);
    }
}

void ConsumerLoop::publish_status() {
    const auto& counters = policy_.counters();
    metrics_.commits.inc(static_cast<double>(counters.commits - reported_.commits));
    metrics_.committed_messages.inc(
        static_cast<double>(counters.committed_messages - reported_.committed_messages));
    metrics_.commit_failures.inc(static_cast<double>(counters.failures - reported_.failures));
    reported_ = counters;
    const auto commit = policy_.status();
    metrics_.uncommitted.set(static_cast<double>(commit.uncommitted_partitions));
    std::lock_guard lock(status_mutex_);
    status_.held = accumulator_.size();
    status_.assigned = assignment_.describe();
    status_.commit = commit;
}

metrics::HealthReport ConsumerLoop::health() const {
    Status status;
    {
        std::lock_guard lock(status_mutex_);
        status = status_;
    }
    std::int64_t age_ms = 0;
    if (status.commit.uncommitted_since) {
        age_ms = std::chrono::duration_cast<milliseconds>(Clock::now() -
                                                          *status.commit.uncommitted_since)
                     .count();
    }
    return consumer_health({.group = settings_.group,
                            .mode = std::string(policy_.name()),
                            .paused = paused_.load(),
                            .assigned = status.assigned,
                            .held = status.held,
                            .batch_size = settings_.mode == CommitMode::kBatch
                                              ? settings_.batch_size
                                              : kAutoModeMaxBatch,
                            .uncommitted_partitions = status.commit.uncommitted_partitions,
                            .commits_in_flight = status.commit.in_flight,
                            .oldest_uncommitted_ms = age_ms,
                            .commit_timeout_ms = settings_.commit_timeout.count(),
                            .last_failure = status.last_failure,
                            .fatal = fatal()});
}

int ConsumerLoop::run() {
    const auto code = consumer_->subscribe({settings_.pipeline.topic});
    if (code != RdKafka::ERR_NO_ERROR) {
        throw std::runtime_error("cannot subscribe to " + settings_.pipeline.topic + ": " +
                                 RdKafka::err2str(code));
    }
    spdlog::info("group {}: consuming {} ({} mode{}) into redis {}", settings_.group,
                 settings_.pipeline.topic, policy_.name(),
                 settings_.mode == CommitMode::kBatch
                     ? ", batches of " + std::to_string(settings_.batch_size)
                     : std::string(),
                 redis::describe_redis_target(settings_.redis));
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
            metrics_.log_progress(false);
        }
        if (!fatal()) {
            stop_deadline();
            spdlog::info("group {}: stopping: writing {} held message(s), then committing",
                         settings_.group, accumulator_.size() + in_flight_.size());
            flush(true);
        }
    } catch (const FatalError& e) {
        fatal_.stop(e.what());
        spdlog::error("group {}: {}; exiting", settings_.group, e.what());
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
    metrics_.log_progress(true);
    close_client();
    spdlog::info("group {}: left the group", settings_.group);
    if (fatal()) {
        spdlog::error("group {}: exiting with status 1: {}", settings_.group, fatal_.why());
    }
    return fatal() ? 1 : 0;
}

}  // namespace orderflow::consumer
