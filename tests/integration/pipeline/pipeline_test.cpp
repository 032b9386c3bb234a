#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <csignal>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

TEST(Pipeline, HundredOrdersReachRedisInBothGroupsExactlyOnce) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto metrics_port = free_port();
    auto auto_consumer =
        pipeline.start_consumer(true, {{"METRICS_PORT", std::to_string(metrics_port)}});
    auto batch_consumer = pipeline.start_consumer(false);

    const auto produced = pipeline.run("produce --count 100 --interval 20ms --seed 42");
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    EXPECT_NE(produced.output.find("done: sent 100 delivered 100 retried 0 failed 0"),
              std::string::npos)
        << produced.output;

    const auto audit = pipeline.audit_until_clean(seconds(120));
    ASSERT_EQ(audit.exit_code, 0) << audit.output << auto_consumer->output()
                                  << batch_consumer->output();
    // The audit compared every order, each customer's aggregates with the sums and the
    // committed offsets with the log end; check the headline figures here too.
    EXPECT_NE(audit.output.find("100 message(s) in 5 partition(s), 100 distinct order(s)"),
              std::string::npos)
        << audit.output;
    for (const auto& group : {pipeline.auto_group, pipeline.batch_group}) {
        EXPECT_EQ(redis_count_keys("order:" + group + ":*"), 100U) << group;
        EXPECT_EQ(redis_hget_int("stats:" + group, "processed"), 100) << group;
        EXPECT_EQ(redis_hget_int("stats:" + group, "dead_lettered"), 0) << group;
    }

    // The status server reports health and the counters.
    httplib::Client status("127.0.0.1", metrics_port);
    const auto health = status.Get("/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200) << health->body;
    const auto metrics = status.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_NE(metrics->body.find("orderflow_consumer_orders_applied_total{group=\"" +
                                 pipeline.auto_group + "\"} 100"),
              std::string::npos)
        << metrics->body;

    // SIGTERM: both write what they hold, commit and leave cleanly.
    auto_consumer->send_signal(SIGTERM);
    batch_consumer->send_signal(SIGTERM);
    EXPECT_EQ(auto_consumer->wait(seconds(30)), 0) << auto_consumer->output();
    EXPECT_EQ(batch_consumer->wait(seconds(30)), 0) << batch_consumer->output();
    EXPECT_NE(batch_consumer->output().find("left the group"), std::string::npos);
    const auto after = pipeline.run("audit");
    EXPECT_EQ(after.exit_code, 0) << after.output;
}

TEST(Pipeline, SeveralInstancesOfAGroupSplitThePartitions) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    auto first = pipeline.start_consumer(false, {}, "batch-1");
    auto second = pipeline.start_consumer(false, {}, "batch-2");
    const auto produced = pipeline.run("produce --count 60 --rate 200 --seed 7");
    ASSERT_EQ(produced.exit_code, 0) << produced.output;
    const auto clean = wait_until(
        [&] {
            return pipeline.run("audit", {{"AUDIT_GROUPS", pipeline.batch_group}}).exit_code == 0;
        },
        seconds(120), std::chrono::milliseconds(1000));
    ASSERT_TRUE(clean) << pipeline.run("audit", {{"AUDIT_GROUPS", pipeline.batch_group}}).output
                       << first->output() << second->output();
    // Eager assignment split the 5 partitions between the two members: each got some.
    const auto assigned = "assigned " + pipeline.topic + "[";
    const bool split = wait_until(
        [&] {
            return first->output().find(assigned) != std::string::npos &&
                   second->output().find(assigned) != std::string::npos;
        },
        seconds(30));
    EXPECT_TRUE(split) << first->output() << second->output();
}

}  // namespace
}  // namespace orderflow::test
