#include "kafka/group_admin.h"

#include "integration/kafka/kafka_test_topic.h"
#include "kafka/clients.h"
#include "kafka/kafka_error.h"
#include "kafka/presets.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

kafka::CppConsumerPtr member_of(const std::string& group, const std::string& topic) {
    auto consumer =
        kafka::make_cpp_consumer(stack_client("lag-test-member"),
                                 kafka::presets::join({kafka::presets::committer(group),
                                                       {{"auto.offset.reset", "earliest"}}}),
                                 "a group member");
    consumer->subscribe({topic});
    return consumer;
}

TEST(GroupAdmin, ShowsMembersAssignmentCommittedOffsetsAndTheLogEnd) {
    const auto topic = make_topic_with_records(3, 1, 10);
    const auto group = unique_name("lag-group");
    auto consumer = member_of(group, topic);
    int read = 0;
    ASSERT_TRUE(wait_until(
        [&] {
            const kafka::CppMessagePtr m(consumer->consume(200));
            return m->err() == RdKafka::ERR_NO_ERROR && ++read == 6;
        },
        seconds(120)))
        << "read " << read;
    // Commit "6 handled" (the next offset to read is 6). On a fresh cluster the coordinator
    // may still be loading __consumer_offsets, so the commit is retried until it lands.
    ASSERT_TRUE(wait_until(
        [&] {
            kafka::CppPartitions owned;
            owned.push_back(kafka::make_cpp_partition(topic, 1, 6));
            auto offsets = kafka::borrow(owned);
            return consumer->commitSync(offsets) == RdKafka::ERR_NO_ERROR;
        },
        seconds(60)));

    kafka::GroupAdmin admin(stack_client("group-admin-test"));
    const auto groups = admin.list_groups();
    const auto listed =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.id == group; });
    ASSERT_NE(listed, groups.end());
    EXPECT_EQ(listed->state, "Stable");
    EXPECT_FALSE(listed->simple);

    const auto description = admin.describe(group);
    EXPECT_EQ(description.state, "Stable");
    EXPECT_GE(description.coordinator, 1);
    ASSERT_EQ(description.members.size(), 1U);
    EXPECT_EQ(description.members[0].client_id, "lag-test-member");
    EXPECT_EQ(description.members[0].assignment,
              (std::vector<kafka::TopicPartitionId>{{topic, 0}, {topic, 1}, {topic, 2}}));

    const auto committed = admin.committed(group);
    EXPECT_EQ(committed, (std::map<kafka::TopicPartitionId, std::int64_t>{{{topic, 1}, 6}}));
    const auto marks = admin.watermarks(topic, 1);
    EXPECT_EQ(marks.low, 0);
    EXPECT_EQ(marks.high, 10);
    EXPECT_EQ(admin.watermarks(topic, 0).high, 0);

    consumer->close();
    ASSERT_TRUE(wait_until([&] { return admin.describe(group).state == "Empty"; }, seconds(30)));
    EXPECT_TRUE(admin.describe(group).members.empty());
    EXPECT_EQ(admin.committed(group).at({topic, 1}), 6) << "offsets outlive the members";
}

TEST(GroupAdmin, AGroupNobodyKnowsIsDeadWithNoOffsets) {
    kafka::GroupAdmin admin(stack_client("group-admin-test"));
    const auto group = unique_name("never-joined");
    // On a fresh cluster the first group request makes Kafka create __consumer_offsets; until
    // it is loaded the coordinator is unavailable, which describe() reports as an error.
    kafka::GroupDescription description;
    ASSERT_TRUE(wait_until(
        [&] {
            try {
                description = admin.describe(group);
                return true;
            } catch (const kafka::KafkaError&) {
                return false;
            }
        },
        seconds(60)));
    EXPECT_EQ(description.state, "Dead");
    EXPECT_TRUE(description.members.empty());
    EXPECT_TRUE(admin.committed(group).empty());
}

TEST(GroupAdmin, UnreachableBrokersFailWithinTheTimeout) {
    kafka::ClientSettings nowhere;
    nowhere.bootstrap_servers = "127.0.0.1:" + std::to_string(free_port());
    kafka::GroupAdmin admin(nowhere, seconds(2));
    EXPECT_THROW(admin.list_groups(), kafka::KafkaError);
    EXPECT_THROW(admin.committed("any"), kafka::KafkaError);
}

}  // namespace
}  // namespace orderflow::test
