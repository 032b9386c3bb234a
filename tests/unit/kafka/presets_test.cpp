#include "kafka/presets.h"

#include <gtest/gtest.h>

#include <map>

namespace orderflow::kafka {
namespace {

std::map<std::string, std::string> as_map(const std::vector<Property>& properties) {
    std::map<std::string, std::string> map;
    for (const auto& [key, value] : properties) {
        map[key] = value;  // a later one wins, as in librdkafka
    }
    return map;
}

TEST(KafkaPresets, FailoverBoundsRequestsAndReconnects) {
    const auto failover = as_map(presets::failover());
    EXPECT_EQ(failover.at("socket.timeout.ms"), "5000");
    EXPECT_EQ(failover.at("topic.metadata.refresh.interval.ms"), "1000");
    EXPECT_EQ(failover.at("reconnect.backoff.ms"), "100");
    EXPECT_EQ(failover.at("reconnect.backoff.max.ms"), "1000");
}

TEST(KafkaPresets, FailoverTakesItsTimeouts) {
    const auto failover =
        as_map(presets::failover(std::chrono::milliseconds(3000), std::chrono::milliseconds(2000)));
    EXPECT_EQ(failover.at("socket.timeout.ms"), "3000");
    EXPECT_EQ(failover.at("topic.metadata.refresh.interval.ms"), "2000");
}

TEST(KafkaPresets, ReaderNeverCommits) {
    const auto reader = as_map(presets::reader("orderflow-reader"));
    EXPECT_EQ(reader.at("group.id"), "orderflow-reader");
    EXPECT_EQ(reader.at("enable.auto.commit"), "false");
    EXPECT_EQ(reader.at("enable.auto.offset.store"), "false");
}

TEST(KafkaPresets, CommitterCommitsOnlyWhenAsked) {
    const auto committer = as_map(presets::committer("orderflow-registry"));
    EXPECT_EQ(committer.at("group.id"), "orderflow-registry");
    EXPECT_EQ(committer.at("enable.auto.commit"), "false");
    EXPECT_EQ(committer.count("enable.auto.offset.store"), 0U);
}

TEST(KafkaPresets, AcknowledgedIsIdempotentWithAllReplicas) {
    const auto acknowledged = as_map(presets::acknowledged());
    EXPECT_EQ(acknowledged.at("acks"), "all");
    EXPECT_EQ(acknowledged.at("enable.idempotence"), "true");
}

TEST(KafkaPresets, JoinKeepsOrderSoALaterPropertyWins) {
    const auto joined = presets::join({{{"a", "1"}, {"b", "2"}}, {}, {{"a", "3"}}});
    ASSERT_EQ(joined.size(), 3U);
    EXPECT_EQ(joined.front(), Property("a", "1"));
    EXPECT_EQ(joined.back(), Property("a", "3"));
    EXPECT_EQ(as_map(joined).at("a"), "3");
}

}  // namespace
}  // namespace orderflow::kafka
