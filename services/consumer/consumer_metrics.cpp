#include "consumer/consumer_metrics.h"

#include <spdlog/spdlog.h>

namespace orderflow::consumer {
namespace {

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

metrics::Histogram& stage(const std::string& name, const std::string& group) {
    return metrics::default_registry().histogram(
        "orderflow_consumer_order_latency_seconds",
        "Per order applied, the time of one stage: created_to_kafka (created_at -> the record's "
        "timestamp: the leader's append under LogAppendTime, else the producer's send call), "
        "kafka_to_fetched (-> the consumer took it), fetched_to_stored (-> its Redis write "
        "returned), created_to_stored (the whole)",
        latency_stage_buckets(), {{"group", group}, {"stage", name}});
}

double seconds(std::int64_t ms) {
    return static_cast<double>(ms) / 1000.0;
}

}  // namespace

ConsumerMetrics::ConsumerMetrics(std::string group)
    : failures(counter(
          "dependency_failures", "Failed attempts to write a batch (Redis, registry, DLQ)", group)),
      batches(counter("batches", "Batches written to Redis", group)),
      commits(counter(
          "commits", "Offset stores (auto-commit mode) or answered commits (batch mode)", group)),
      committed_messages(counter("committed_messages", "Messages those commits covered", group)),
      commit_failures(counter("commit_failures",
                              "Commits that failed or were not answered in time; sent again",
                              group)),
      paused(gauge("paused", "1 while consumption is paused on a dependency", group)),
      held(gauge("batch_held",
                 "Messages held toward the next batch (batch mode: written at "
                 "BATCH_SIZE, or on revocation and shutdown)",
                 group)),
      uncommitted(gauge(
          "uncommitted_partitions", "Partitions written to Redis and not yet committed", group)),
      group_(std::move(group)),
      messages_(counter("messages", "Messages consumed", group_)),
      applied_(counter("orders_applied", "Orders written to Redis", group_)),
      duplicates_(counter("duplicates", "Redeliveries counted, not applied", group_)),
      dead_lettered_(counter("dead_lettered", "Messages sent to the DLQ", group_)),
      to_kafka_(stage("created_to_kafka", group_)),
      in_kafka_(stage("kafka_to_fetched", group_)),
      to_redis_(stage("fetched_to_stored", group_)),
      total_(stage("created_to_stored", group_)),
      clock_skew_(counter("latency_clock_skew",
                          "Latency stages that came out negative (a clock behind another) and "
                          "were counted as 0",
                          group_)) {}

void ConsumerMetrics::consumed() {
    ++consumed_;
    messages_.inc();
}

void ConsumerMetrics::written(const BatchOutcome& outcome) {
    applied_total_ += outcome.applied;
    duplicates_total_ += outcome.duplicates;
    dead_lettered_total_ += outcome.dead_lettered;
    applied_.inc(static_cast<double>(outcome.applied));
    duplicates_.inc(static_cast<double>(outcome.duplicates));
    dead_lettered_.inc(static_cast<double>(outcome.dead_lettered));
}

void ConsumerMetrics::stored(const std::vector<OrderTimes>& applied, std::int64_t stored_ms) {
    for (auto times : applied) {
        times.stored_ms = stored_ms;
        const auto split = split_latency(times);
        to_kafka_.observe(seconds(split.to_kafka_ms));
        in_kafka_.observe(seconds(split.in_kafka_ms));
        to_redis_.observe(seconds(split.to_redis_ms));
        total_.observe(seconds(split.total_ms));
        if (split.clamped > 0) {
            clock_skew_.inc(static_cast<double>(split.clamped));
        }
    }
}

void ConsumerMetrics::log_progress(bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && (now - last_progress_ < kProgressEvery || consumed_ == logged_consumed_)) {
        return;
    }
    spdlog::info("group {}: consumed {} applied {} duplicates {} dead-lettered {}", group_,
                 consumed_, applied_total_, duplicates_total_, dead_lettered_total_);
    last_progress_ = now;
    logged_consumed_ = consumed_;
}

}  // namespace orderflow::consumer
