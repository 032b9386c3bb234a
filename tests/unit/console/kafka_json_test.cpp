#include "console/kafka_json.h"

#include <gtest/gtest.h>

namespace orderflow::console {
namespace {

GroupSnapshot lagging_group() {
    GroupSnapshot group;
    group.description.state = "Stable";
    group.description.members.push_back({"m-1", "client", "/10.0.0.1", {{"_schemas", 0}}});
    group.lags = {partition_lag({"_schemas", 0}, std::nullopt, {0, 3})};
    group.lags[0].seconds = 197.0;
    return group;
}

TEST(KafkaJson, AGroupSummarySumsItsPartitions) {
    const auto summary = group_summary_json("orders-auto", lagging_group());
    EXPECT_EQ(summary["group"], "orders-auto");
    EXPECT_EQ(summary["state"], "Stable");
    EXPECT_EQ(summary["members"], 1);
    EXPECT_EQ(summary["lag_messages"], 3);
    EXPECT_EQ(summary["lag_seconds"], 197.0);
    EXPECT_FALSE(summary.contains("role"));
}

TEST(KafkaJson, AGroupConsumingNothingHasNullLag) {
    const auto summary = group_summary_json("idle", GroupSnapshot{});
    EXPECT_TRUE(summary["lag_messages"].is_null());
    EXPECT_TRUE(summary["lag_seconds"].is_null());
}

TEST(KafkaJson, TheRegistryElectionGroupIsNamedAsSuchWithoutLag) {
    const auto group = lagging_group();
    const auto summary = with_group_role(group_summary_json("registry-x", group), "registry-x");
    EXPECT_EQ(summary["role"], "registry-election");
    EXPECT_TRUE(summary["lag_messages"].is_null());
    EXPECT_TRUE(summary["lag_seconds"].is_null());
    EXPECT_EQ(summary["members"], 1);

    const auto detail = with_group_role(group_json("registry-x", group), "registry-x");
    EXPECT_EQ(detail["role"], "registry-election");
    EXPECT_FALSE(detail.contains("lag_messages"));
    ASSERT_EQ(detail["partitions"].size(), 1U);
    EXPECT_TRUE(detail["partitions"][0]["lag_messages"].is_null());
    EXPECT_TRUE(detail["partitions"][0]["lag_seconds"].is_null());
    EXPECT_EQ(detail["partitions"][0]["end_offset"], 3);
}

TEST(KafkaJson, OtherGroupsAreConsumersAndKeepTheirLag) {
    const auto summary =
        with_group_role(group_summary_json("orders-auto", lagging_group()), "orderflow-registry");
    EXPECT_EQ(summary["role"], "consumer");
    EXPECT_EQ(summary["lag_messages"], 3);
}

TEST(KafkaJson, AGroupListsMembersAndEveryPartitionsLag) {
    const auto detail = group_json("g", lagging_group());
    EXPECT_EQ(detail["members"][0]["assignment"][0]["topic"], "_schemas");
    EXPECT_TRUE(detail["partitions"][0]["committed_offset"].is_null());
    EXPECT_EQ(detail["partitions"][0]["lag_messages"], 3);
}

TEST(KafkaJson, AConfiguredBrokerTheClusterDoesNotListIsDown) {
    const auto json = brokers_json({{1, "kafka-1", 9092, true}}, {"kafka-1:9092", "kafka-2:9093"});
    ASSERT_EQ(json["brokers"].size(), 2U);
    EXPECT_EQ(json["brokers"][0]["up"], true);
    EXPECT_EQ(json["brokers"][0]["controller"], true);
    EXPECT_TRUE(json["brokers"][1]["id"].is_null());
    EXPECT_EQ(json["brokers"][1]["port"], 9093);
    EXPECT_EQ(json["brokers"][1]["up"], false);
}

TEST(KafkaJson, TopicsCountMessagesUnlessUnknown) {
    kafka::TopicInfo orders{"orders", {{0, 1, {1, 2}, {1}}, {1, 2, {2, 1}, {2, 1}}}};
    kafka::TopicInfo offsets{"__consumer_offsets", {{0, 1, {1}, {1}}}};
    const auto json =
        topics_json({{orders, std::map<std::int32_t, kafka::Watermarks>{{0, {0, 4}}, {1, {1, 3}}}},
                     {offsets, std::nullopt}});
    EXPECT_EQ(json["topics"][0]["messages"], 6);
    EXPECT_EQ(json["topics"][0]["replication_factor"], 2);
    EXPECT_EQ(json["topics"][0]["under_replicated"], true);
    EXPECT_EQ(json["topics"][0]["internal"], false);
    EXPECT_TRUE(json["topics"][1]["messages"].is_null());
    EXPECT_EQ(json["topics"][1]["internal"], true);
    EXPECT_EQ(json["topics"][1]["under_replicated"], false);
}

}  // namespace
}  // namespace orderflow::console
