#include "consumer/consumer_loop.h"

#include "common/config_error.h"
#include "common/settings.h"
#include "common/shutdown.h"
#include "redis/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>

namespace orderflow::consumer {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kIdleWait{100};
constexpr auto kProgressEvery = std::chrono::seconds(10);

metrics::Counter& counter(const std::string& name,
                          const std::string& help,
                          const std::string& group) {
    return metrics::default_registry().counter("orderflow_consumer_" + name + "_total", help,
                                               {{"group", group}});
}

std::string describe(const std::vector<RdKafka::TopicPartition*>& partitions) {
    std::string out;
    for (const auto* tp : partitions) {
        out += (out.empty() ? "" : ",") + tp->topic() + "[" + std::to_string(tp->partition()) + "]";
    }
    return out.empty() ? "nothing" : out;
}

std::vector<RdKafka::TopicPartition*> copy(
    const std::vector<RdKafka::TopicPartition*>& partitions) {
    std::vector<RdKafka::TopicPartition*> out;
    for (const auto* tp : partitions) {
        out.push_back(RdKafka::TopicPartition::create(tp->topic(), tp->partition()));
    }
    return out;
}

}  // namespace

ConsumerLoop::ConsumerLoop(const ConsumerSettings& settings, BatchProcessor& processor)
    : settings_(settings),
      processor_(processor),
      accumulator_(settings.mode == CommitMode::kBatch ? settings.batch_size : kAutoModeMaxBatch,
                   settings.mode == CommitMode::kBatch ? settings.batch_timeout : milliseconds(0)),
      messages_total_(counter("messages", "Messages consumed", settings.group)),
      applied_total_(counter("orders_applied", "Orders written to Redis", settings.group)),
      duplicates_total_(counter("duplicates", "Redeliveries counted, not applied", settings.group)),
      dead_lettered_total_(counter("dead_lettered", "Messages sent to the DLQ", settings.group)),
      failures_total_(counter("dependency_failures",
                              "Failed attempts to write a batch (Redis, registry, DLQ)",
                              settings.group)),
      commits_total_(counter(
          "commits", "Offset stores (auto) or synchronous commits (batch)", settings.group)),
      paused_gauge_(
          metrics::default_registry().gauge("orderflow_consumer_paused",
                                            "1 while consumption is paused on a dependency",
                                            {{"group", settings.group}})) {
    const bool auto_commit = settings.mode == CommitMode::kAuto;
    auto client = settings.pipeline.kafka;
    client.client_id = "orderflow-consumer-" + settings.group;
    auto conf =
        kafka::make_cpp_conf(client, {{"group.id", settings.group},
                                      {"enable.auto.commit", auto_commit ? "true" : "false"},
                                      {"auto.commit.interval.ms", "1000"},
                                      {"enable.auto.offset.store", "false"},
                                      {"auto.offset.reset", "earliest"},
                                      {"enable.partition.eof", "false"},
                                      // Eager assignors (STYLE 8 #22); cooperative has 2.0.2 bugs.
                                      {"partition.assignment.strategy", "range,roundrobin"},
                                      {"session.timeout.ms", "10000"},
                                      {"heartbeat.interval.ms", "2000"}});
    std::string error;
    if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), error) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events_), error) !=
            RdKafka::Conf::CONF_OK) {
        throw common::ConfigError("kafka consumer", error);
    }
    constexpr std::string_view kCrashBeforeCommit = "crash-before-commit:";
    if (const char* failpoint =
            std::getenv("ORDERFLOW_FAILPOINT");  // NOLINT(concurrency-mt-unsafe)
        failpoint != nullptr && std::string_view(failpoint).starts_with(kCrashBeforeCommit)) {
        crash_before_commit_ = common::parse_int(
            "ORDERFLOW_FAILPOINT", std::string_view(failpoint).substr(kCrashBeforeCommit.size()), 1,
            INT64_MAX);
        spdlog::warn("failpoint: crashing before the commit of batch {}", crash_before_commit_);
    }
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer_) {
        throw common::ConfigError("KAFKA_EXTRA", "cannot create the consumer: " + error);
    }
}

ConsumerLoop::~ConsumerLoop() {
    RdKafka::TopicPartition::destroy(assignment_);
    if (consumer_) {
        consumer_->close();  // no-op when run() already closed it
        consumer_.reset();
    }
}

void ConsumerLoop::set_paused(bool paused) {
    if (paused_ == paused) {
        return;
    }
    auto partitions = copy(assignment_);
    const auto code = paused ? consumer_->pause(partitions) : consumer_->resume(partitions);
    RdKafka::TopicPartition::destroy(partitions);
    if (code != RdKafka::ERR_NO_ERROR) {
        spdlog::warn("{} failed: {}", paused ? "pause" : "resume", RdKafka::err2str(code));
    }
    paused_ = paused;
    paused_gauge_.set(paused ? 1 : 0);
    if (paused) {
        spdlog::warn("group {}: paused consumption of {}: {}", settings_.group,
                     describe(assignment_), last_failure_);
    } else {
        spdlog::info("group {}: resumed consumption of {}", settings_.group, describe(assignment_));
    }
}

void ConsumerLoop::rebalance_cb(RdKafka::KafkaConsumer* consumer,
                                RdKafka::ErrorCode err,
                                std::vector<RdKafka::TopicPartition*>& partitions) {
    // Runs inside consume()/close() on the loop thread; must not throw into librdkafka.
    try {
        if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
            spdlog::info("group {}: assigned {}", settings_.group, describe(partitions));
            consumer->assign(partitions);
            RdKafka::TopicPartition::destroy(assignment_);
            assignment_ = copy(partitions);
            if (paused_) {
                consumer->pause(partitions);  // still waiting for a dependency
            }
            return;
        }
        if (err == RdKafka::ERR__REVOKE_PARTITIONS) {
            spdlog::info("group {}: revoked {}", settings_.group, describe(partitions));
            auto held = std::move(in_flight_);
            in_flight_.clear();
            for (auto& message : accumulator_.take()) {
                held.push_back(std::move(message));
            }
            if (!held.empty()) {
                if (consumer->assignment_lost()) {
                    spdlog::warn(
                        "group {}: assignment lost; {} unwritten message(s) dropped, to be "
                        "redelivered",
                        settings_.group, held.size());
                } else if (!try_write(held)) {
                    spdlog::warn(
                        "group {}: {} message(s) not written before revocation ({}); they "
                        "will be redelivered",
                        settings_.group, held.size(), last_failure_);
                }
            }
            consumer->unassign();  // auto-commit mode commits the stored offsets here
            RdKafka::TopicPartition::destroy(assignment_);
            assignment_.clear();
            return;
        }
        spdlog::error("group {}: rebalance error {}", settings_.group, RdKafka::err2str(err));
        consumer->unassign();
        RdKafka::TopicPartition::destroy(assignment_);
        assignment_.clear();
    } catch (const std::exception& e) {
        spdlog::error("group {}: rebalance handling failed: {}", settings_.group, e.what());
    }
}

bool ConsumerLoop::take_message(RdKafka::Message& message) {
    switch (message.err()) {
        case RdKafka::ERR_NO_ERROR: {
            InboundMessage inbound;
            inbound.topic = message.topic_name();
            inbound.partition = message.partition();
            inbound.offset = message.offset();
            if (const auto* key = message.key_pointer(); key != nullptr) {
                inbound.key = std::string(static_cast<const char*>(key), message.key_len());
            }
            if (message.payload() != nullptr) {
                inbound.value.assign(static_cast<const char*>(message.payload()), message.len());
            }
            inbound.timestamp_ms = message.timestamp().timestamp;
            accumulator_.add(std::move(inbound), Clock::now());
            ++consumed_;
            messages_total_.inc();
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

void ConsumerLoop::commit(const CommitOffsets& offsets) {
    std::vector<RdKafka::TopicPartition*> list;
    for (const auto& [tp, next] : offsets) {
        const bool assigned = std::any_of(assignment_.begin(), assignment_.end(), [&](auto* a) {
            return a->topic() == tp.first && a->partition() == tp.second;
        });
        if (assigned) {  // a revoked partition belongs to someone else now
            auto* item = RdKafka::TopicPartition::create(tp.first, tp.second);
            item->set_offset(next);  // last written offset + 1 (STYLE 8 #12)
            list.push_back(item);
        }
    }
    if (list.empty()) {
        return;
    }
    const auto code = settings_.mode == CommitMode::kAuto ? consumer_->offsets_store(list)
                                                          : consumer_->commitSync(list);
    RdKafka::TopicPartition::destroy(list);
    if (code == RdKafka::ERR_NO_ERROR) {
        commits_total_.inc();
    } else if (code != RdKafka::ERR__NO_OFFSET) {
        // The orders are in Redis already: a redelivery is counted as a duplicate, not lost.
        spdlog::warn("group {}: {} failed: {}", settings_.group,
                     settings_.mode == CommitMode::kAuto ? "offsets_store" : "commitSync",
                     RdKafka::err2str(code));
    }
}

bool ConsumerLoop::try_write(std::vector<InboundMessage>& batch) {
    try {
        const auto outcome = processor_.process(batch);
        if (++batches_written_ == crash_before_commit_) {
            spdlog::warn("failpoint: batch {} is in Redis; SIGKILL before committing it",
                         batches_written_);
            std::raise(SIGKILL);
        }
        commit(outcome.commit);
        applied_ += outcome.applied;
        duplicates_ += outcome.duplicates;
        dead_lettered_ += outcome.dead_lettered;
        applied_total_.inc(static_cast<double>(outcome.applied));
        duplicates_total_.inc(static_cast<double>(outcome.duplicates));
        dead_lettered_total_.inc(static_cast<double>(outcome.dead_lettered));
        spdlog::debug("group {}: batch of {}: applied {} duplicates {} dead-lettered {}",
                      settings_.group, batch.size(), outcome.applied, outcome.duplicates,
                      outcome.dead_lettered);
        batch.clear();
        return true;
    } catch (const TransientError& e) {
        last_failure_ = e.what();
    } catch (const redis::RedisError& e) {
        last_failure_ = e.what();
    }
    failures_total_.inc();
    return false;
}

void ConsumerLoop::serve_for(milliseconds duration) {
    const auto until = Clock::now() + duration;
    while (Clock::now() < until && !events_.fatal()) {
        const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
        std::unique_ptr<RdKafka::Message> message(consumer_->consume(
            static_cast<int>(std::clamp(left, milliseconds(1), kIdleWait).count())));
        take_message(*message);  // held in the accumulator until the dependency is back
    }
}

void ConsumerLoop::flush() {
    for (auto& message : accumulator_.take()) {
        in_flight_.push_back(std::move(message));
    }
    auto backoff = kFirstBackoff;
    while (!in_flight_.empty()) {
        if (try_write(in_flight_)) {
            break;
        }
        set_paused(true);
        if (common::stop_requested()) {
            const auto now = Clock::now();
            if (!stop_deadline_) {
                stop_deadline_ = now + settings_.shutdown_timeout;
            }
            if (now >= *stop_deadline_) {
                spdlog::error(
                    "group {}: leaving without writing {} message(s) ({}); nothing of "
                    "them was committed, so they will be redelivered",
                    settings_.group, in_flight_.size() + accumulator_.size(), last_failure_);
                in_flight_.clear();
                accumulator_.take();
                return;
            }
        }
        spdlog::warn("group {}: {} message(s) held, retrying in {} ms: {}", settings_.group,
                     in_flight_.size(), backoff.count(), last_failure_);
        serve_for(backoff);
        backoff = std::min(backoff * 2, settings_.retry_max_backoff);
        if (events_.fatal()) {
            return;
        }
    }
    set_paused(false);
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
    spdlog::info("group {}: consuming {} ({} mode) into redis {}:{}", settings_.group,
                 settings_.pipeline.topic,
                 settings_.mode == CommitMode::kAuto ? "auto-commit" : "batch",
                 settings_.redis.host, settings_.redis.port);
    last_progress_ = Clock::now();
    while (!common::stop_requested() && !events_.fatal()) {
        auto wait = kIdleWait;
        if (const auto deadline = accumulator_.deadline()) {
            wait = std::clamp(std::chrono::duration_cast<milliseconds>(*deadline - Clock::now()),
                              milliseconds(0), kIdleWait);
        }
        std::unique_ptr<RdKafka::Message> message(
            consumer_->consume(static_cast<int>(wait.count())));
        const bool got = take_message(*message);
        message.reset();
        // Batch mode: full or timed out. Auto mode: whatever was already fetched.
        const bool ready = settings_.mode == CommitMode::kBatch
                               ? accumulator_.full() || accumulator_.due(Clock::now())
                               : accumulator_.full() || (!got && !accumulator_.empty());
        if (ready) {
            flush();
        }
        log_progress(false);
    }
    if (!events_.fatal()) {
        spdlog::info("group {}: stopping: writing {} held message(s), then committing",
                     settings_.group, accumulator_.size());
        flush();
    }
    log_progress(true);
    consumer_->close();  // revoke (our callback), final auto-commit, leave the group
    RdKafka::TopicPartition::destroy(assignment_);
    assignment_.clear();
    consumer_.reset();
    spdlog::info("group {}: left the group", settings_.group);
    return events_.fatal() ? 1 : 0;
}

}  // namespace orderflow::consumer
