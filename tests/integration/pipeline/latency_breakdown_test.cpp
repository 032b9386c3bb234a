#include "integration/pipeline/pipeline_harness.h"
#include "kafka/admin_client.h"

#include <gtest/gtest.h>

#include <csignal>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

constexpr int kOrders = 40;  // four whole batches for the batch group
const char* const kStages[] = {"created_to_kafka", "kafka_to_fetched", "fetched_to_stored"};

double stage_series(const std::string& metrics,
                    const std::string& suffix,
                    const std::string& group,
                    const std::string& stage) {
    return metric_value(metrics, "orderflow_consumer_order_latency_seconds_" + suffix +
                                     "{group=\"" + group + "\",stage=\"" + stage + "\"}");
}

TEST(LatencyBreakdown, EveryAppliedOrderIsSplitIntoStagesThatAddUpToTheWhole) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    // The brokers stamp each record's append, so the first stage ends at the leader's log.
    kafka::ClientSettings client;
    client.bootstrap_servers = shared_stack().bootstrap_servers;
    kafka::AdminClient admin(client);
    admin.create_topic(
        {pipeline.topic,
         5,
         3,
         {{"min.insync.replicas", "2"}, {"message.timestamp.type", "LogAppendTime"}}});
    const std::map<std::string, std::uint16_t> ports = {{pipeline.auto_group, free_port()},
                                                        {pipeline.batch_group, free_port()}};
    auto auto_consumer = pipeline.start_consumer(
        true, {{"METRICS_PORT", std::to_string(ports.at(pipeline.auto_group))}});
    auto batch_consumer = pipeline.start_consumer(
        false, {{"METRICS_PORT", std::to_string(ports.at(pipeline.batch_group))}});

    const auto produced = pipeline.run("produce --count 40 --interval 5ms --seed 7");
    ASSERT_EQ(produced.exit_code, 0) << produced.output;

    for (const auto& [group, port] : ports) {
        std::string metrics;
        const bool all = wait_until(
            [&, &group = group, port = port] {
                metrics = http_get(port, "/metrics").second;
                return stage_series(metrics, "count", group, "created_to_stored") >= kOrders;
            },
            seconds(120));
        ASSERT_TRUE(all) << group << "\n"
                         << metrics << auto_consumer->output() << batch_consumer->output();
        const auto total = stage_series(metrics, "sum", group, "created_to_stored");
        double stages = 0;
        for (const auto* stage : kStages) {
            EXPECT_EQ(stage_series(metrics, "count", group, stage), kOrders) << stage << metrics;
            stages += stage_series(metrics, "sum", group, stage);
        }
        EXPECT_EQ(stage_series(metrics, "count", group, "created_to_stored"), kOrders) << metrics;
        // One machine, one clock: nothing was clamped, so the stages add up to the whole.
        EXPECT_EQ(consumer_metric(metrics, "latency_clock_skew_total", group), 0) << metrics;
        EXPECT_GT(total, 0) << metrics;
        EXPECT_NEAR(stages, total, 1e-6) << metrics;
    }
    auto_consumer->send_signal(SIGTERM);
    batch_consumer->send_signal(SIGTERM);
    EXPECT_EQ(auto_consumer->wait(seconds(30)), 0) << auto_consumer->output();
    EXPECT_EQ(batch_consumer->wait(seconds(30)), 0) << batch_consumer->output();
}

}  // namespace
}  // namespace orderflow::test
