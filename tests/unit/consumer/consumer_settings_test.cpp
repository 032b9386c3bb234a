#include "consumer/consumer_settings.h"

#include "common/config_error.h"

#include <gtest/gtest.h>

namespace orderflow::consumer {
namespace {

std::string error_setting(const ConsumerOptions& options) {
    try {
        to_settings(options);
    } catch (const common::ConfigError& e) {
        return e.setting();
    }
    return "";
}

TEST(ConsumerSettings, DefaultsAreAutoCommitIntoOrdersAuto) {
    const auto settings = to_settings(ConsumerOptions{});
    EXPECT_EQ(settings.mode, CommitMode::kAuto);
    EXPECT_EQ(settings.group, "orders-auto");
    EXPECT_EQ(settings.batch_size, 10U);
    EXPECT_EQ(settings.batch_timeout, std::chrono::milliseconds(0));  // batches of exactly 10
    EXPECT_EQ(settings.commit_timeout, std::chrono::seconds(10));
    EXPECT_EQ(settings.commits_in_flight, 4U);
    EXPECT_EQ(settings.failpoint.crash_before_commit, 0);
    EXPECT_EQ(settings.redis.nodes.at(0).port, 6379);
    EXPECT_EQ(settings.pipeline.topic, "orders");
    EXPECT_EQ(settings.pipeline.dlq_topic, "orders.dlq");
    EXPECT_EQ(settings.pipeline.subject(), "orders-value");
}

TEST(ConsumerSettings, ARedisClusterUrlNamesItsSeeds) {
    ConsumerOptions options;
    options.redis_url = "redis-cluster://127.0.0.1:7001,127.0.0.1:7002";
    const auto settings = to_settings(options);
    EXPECT_TRUE(settings.redis.cluster);
    ASSERT_EQ(settings.redis.nodes.size(), 2U);
    EXPECT_EQ(settings.redis.nodes[1].port, 7002);
    EXPECT_EQ(redis::describe_redis_target(settings.redis),
              "cluster 127.0.0.1:7001,127.0.0.1:7002");
    options.redis_url = "redis-cluster://127.0.0.1:7001/3";  // a cluster has database 0 only
    EXPECT_THROW(to_settings(options), common::ConfigError);
}

TEST(ConsumerSettings, BatchModeUsesOrdersBatch) {
    ConsumerOptions options;
    options.auto_commit = "FALSE";
    options.batch_size = "25";
    options.batch_timeout = "500ms";
    const auto settings = to_settings(options);
    EXPECT_EQ(settings.mode, CommitMode::kBatch);
    EXPECT_EQ(settings.group, "orders-batch");
    EXPECT_EQ(settings.batch_size, 25U);
    EXPECT_EQ(settings.batch_timeout, std::chrono::milliseconds(500));
}

TEST(ConsumerSettings, BatchTimeoutZeroOrEmptyIsOff) {
    ConsumerOptions options;
    options.batch_timeout = "0s";
    EXPECT_EQ(to_settings(options).batch_timeout, std::chrono::milliseconds(0));
    options.batch_timeout = "";
    EXPECT_EQ(to_settings(options).batch_timeout, std::chrono::milliseconds(0));
}

TEST(ConsumerSettings, FailpointsAreReadWithTheOtherSettings) {
    ConsumerOptions options;
    options.failpoint = "crash-before-commit:3";
    EXPECT_EQ(to_settings(options).failpoint.crash_before_commit, 3);
    options.failpoint = "decode-throws:cust-x";
    EXPECT_EQ(to_settings(options).failpoint.decode_throws_key, "cust-x");
    options.failpoint = "dlq-fatal";
    EXPECT_TRUE(to_settings(options).failpoint.dlq_fatal);
    options.failpoint = "revoke-throws";
    EXPECT_TRUE(to_settings(options).failpoint.revoke_throws);
}

TEST(ConsumerSettings, ExplicitGroupWins) {
    ConsumerOptions options;
    options.group = "orders-auto-test";
    EXPECT_EQ(to_settings(options).group, "orders-auto-test");
}

TEST(ConsumerSettings, BadValuesNameTheSetting) {
    const std::vector<std::pair<std::function<void(ConsumerOptions&)>, std::string>> cases = {
        {[](auto& o) { o.auto_commit = "sometimes"; }, "AUTO_COMMIT"},
        {[](auto& o) { o.batch_size = "0"; }, "BATCH_SIZE"},
        {[](auto& o) { o.batch_size = "ten"; }, "BATCH_SIZE"},
        {[](auto& o) { o.batch_timeout = "2 weeks"; }, "BATCH_TIMEOUT"},
        {[](auto& o) { o.batch_timeout = "-1s"; }, "BATCH_TIMEOUT"},
        {[](auto& o) { o.commit_timeout = "0s"; }, "COMMIT_TIMEOUT"},
        {[](auto& o) { o.commits_in_flight = "0"; }, "COMMITS_IN_FLIGHT"},
        {[](auto& o) { o.failpoint = "crash-before-commit:x"; }, "ORDERFLOW_FAILPOINT"},
        {[](auto& o) { o.failpoint = "explode"; }, "ORDERFLOW_FAILPOINT"},
        {[](auto& o) { o.redis_url = "localhost:6379"; }, "REDIS_URL"},
        {[](auto& o) { o.group = "orders:auto"; }, "CONSUMER_GROUP"},
        {[](auto& o) { o.retry_max_backoff = "x"; }, "REDIS_RETRY_MAX_BACKOFF"},
        {[](auto& o) { o.status.port = "70000"; }, "METRICS_PORT"},
        {[](auto& o) { o.pipeline.topic = "bad topic"; }, "ORDERS_TOPIC"},
        {[](auto& o) { o.pipeline.dlq_topic = "orders"; }, "DLQ_TOPIC"},
        {[](auto& o) { o.pipeline.registry_url = "localhost:8081"; }, "SCHEMA_REGISTRY_URL"},
        {[](auto& o) { o.pipeline.kafka.bootstrap_servers = "nohost"; }, "KAFKA_BOOTSTRAP_SERVERS"},
    };
    for (const auto& [change, setting] : cases) {
        ConsumerOptions options;
        change(options);
        EXPECT_EQ(error_setting(options), setting);
    }
}

}  // namespace
}  // namespace orderflow::consumer
