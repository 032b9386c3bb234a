#include "integration/pipeline/pipeline_harness.h"
#include "redis/key_names.h"

#include <gtest/gtest.h>

#include <csignal>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

// kill -9 of the batch consumer after its batch is in Redis and before the commit: the
// restarted consumer gets the batch again, the store counts it as duplicates and applies
// nothing twice.
TEST(Redelivery, BatchConsumerKilledBetweenRedisWriteAndCommit) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    const auto produced = pipeline.run("produce --count 50 --interval 10ms --seed 9");
    ASSERT_EQ(produced.exit_code, 0) << produced.output;

    // The failpoint raises SIGKILL once the 3rd batch is written, before its commitSync.
    auto doomed = pipeline.start_consumer(false, {{"ORDERFLOW_FAILPOINT", "crash-before-commit:3"}},
                                          "batch-killed");
    EXPECT_EQ(doomed->wait(seconds(90)), 128 + SIGKILL) << doomed->output();
    EXPECT_NE(doomed->output().find("SIGKILL before committing"), std::string::npos)
        << doomed->output();
    const auto written_before_restart = redis_stat(pipeline.batch_group, "processed");
    EXPECT_GE(written_before_restart, 30);  // three batches of 10 reached Redis

    auto restarted = pipeline.start_consumer(false, {}, "batch-restarted");
    const auto audit =
        pipeline.run("audit --timeout 20s", {{"AUDIT_GROUPS", pipeline.batch_group}});
    const bool clean = wait_until(
        [&] {
            return pipeline.run("audit --timeout 20s", {{"AUDIT_GROUPS", pipeline.batch_group}})
                       .exit_code == 0;
        },
        seconds(120), std::chrono::milliseconds(1000));
    ASSERT_TRUE(clean) << audit.output << restarted->output();
    // Exactly the 50 orders, and the uncommitted batch came back as counted duplicates.
    EXPECT_EQ(redis_stat(pipeline.batch_group, "processed"), 50);
    EXPECT_GE(redis_stat(pipeline.batch_group, "duplicates_skipped"), 10);
    EXPECT_EQ(redis_count_keys(redis::order_key_pattern(pipeline.batch_group)), 50U);
}

// The same for the auto-commit consumer: offsets are stored only after the Redis write, so a
// kill -9 loses nothing; whatever was written but not yet committed is a counted duplicate.
TEST(Redelivery, AutoCommitConsumerKilledBetweenRedisWriteAndOffsetStore) {
    RegistryProcess registry;
    Pipeline pipeline(registry.url());
    ASSERT_EQ(pipeline.run("produce --count 40 --interval 10ms --seed 10").exit_code, 0);
    auto doomed = pipeline.start_consumer(true, {{"ORDERFLOW_FAILPOINT", "crash-before-commit:1"}},
                                          "auto-killed");
    EXPECT_EQ(doomed->wait(seconds(90)), 128 + SIGKILL) << doomed->output();
    auto restarted = pipeline.start_consumer(true, {}, "auto-restarted");
    const bool clean = wait_until(
        [&] {
            return pipeline.run("audit --timeout 20s", {{"AUDIT_GROUPS", pipeline.auto_group}})
                       .exit_code == 0;
        },
        seconds(120), std::chrono::milliseconds(1000));
    ASSERT_TRUE(clean) << restarted->output();
    EXPECT_EQ(redis_stat(pipeline.auto_group, "processed"), 40);
    EXPECT_GE(redis_stat(pipeline.auto_group, "duplicates_skipped"), 1);
}

}  // namespace
}  // namespace orderflow::test
