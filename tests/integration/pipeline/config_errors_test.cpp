#include "integration/pipeline/pipeline_harness.h"

#include <gtest/gtest.h>

namespace orderflow::test {
namespace {

// A bad setting stops the command with a non-zero exit and a message naming the setting.
void expect_refused(const CommandResult& result, const std::string& setting) {
    EXPECT_NE(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find(setting), std::string::npos) << result.output;
}

TEST(PipelineConfig, BadValuesNameTheSetting) {
    const Pipeline pipeline("http://127.0.0.1:1");
    expect_refused(pipeline.run("produce", {{"PRODUCE_INTERVAL", "soon"}}), "PRODUCE_INTERVAL");
    expect_refused(pipeline.run("produce", {{"PRODUCE_RETRIES", "-3"}}), "PRODUCE_RETRIES");
    expect_refused(pipeline.run("consume", {{"AUTO_COMMIT", "maybe"}}), "AUTO_COMMIT");
    expect_refused(pipeline.run("consume", {{"BATCH_TIMEOUT", "2 fortnights"}}), "BATCH_TIMEOUT");
    expect_refused(pipeline.run("audit", {{"REDIS_URL", "localhost"}}), "REDIS_URL");
}

TEST(PipelineConfig, UnreachableDependenciesNameTheSetting) {
    const Pipeline pipeline("http://127.0.0.1:" + std::to_string(free_port()));
    const auto nowhere = "127.0.0.1:" + std::to_string(free_port());
    expect_refused(pipeline.run("consume", {{"REDIS_URL", "redis://" + nowhere}}), "REDIS_URL");
    expect_refused(pipeline.run("produce"), "SCHEMA_REGISTRY_URL");
    expect_refused(pipeline.run("produce", {{"KAFKA_BOOTSTRAP_SERVERS", nowhere}}),
                   "KAFKA_BOOTSTRAP_SERVERS");
}

TEST(PipelineConfig, AnOrdersTopicThatBreaksTheGuaranteesIsRefused) {
    const Pipeline pipeline("http://127.0.0.1:1");
    const auto created = pipeline.run("admin create-topic " + pipeline.topic +
                                      " --partitions 5 --replication-factor 1");
    ASSERT_EQ(created.exit_code, 0) << created.output;
    const auto result = pipeline.run("produce");
    EXPECT_NE(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("replication factor 1"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace orderflow::test
