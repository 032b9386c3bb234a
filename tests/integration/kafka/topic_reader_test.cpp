#include "kafka/topic_reader.h"

#include "integration/kafka/kafka_test_topic.h"
#include "kafka/kafka_error.h"

#include <gtest/gtest.h>

#include <limits>

namespace orderflow::test {
namespace {

using std::chrono::seconds;

kafka::ReadRequest whole(const std::string& topic, int partitions) {
    kafka::ReadRequest request;
    request.topic = topic;
    for (int p = 0; p < partitions; ++p) {
        request.partitions.push_back(p);
    }
    request.timeout = seconds(30);
    return request;
}

TEST(TopicReader, ReadsEveryPartitionToItsEndWithKeysAndHeaders) {
    const auto topic = make_topic_with_records(3, 2, 7);  // partitions 0 and 1 stay empty
    const auto records = kafka::read_topic(stack_client("reader-test"), whole(topic, 3));
    ASSERT_EQ(records.size(), 7U);
    for (std::size_t i = 0; i < records.size(); ++i) {
        EXPECT_EQ(records[i].topic, topic);
        EXPECT_EQ(records[i].partition, 2);
        EXPECT_EQ(records[i].offset, static_cast<std::int64_t>(i));
        EXPECT_EQ(records[i].key, "key-" + std::to_string(i));
        EXPECT_EQ(records[i].value, "value-" + std::to_string(i));
        EXPECT_EQ(records[i].header("n"), std::to_string(i));
        EXPECT_FALSE(records[i].header("absent"));
        EXPECT_GT(records[i].timestamp_ms, 0);
    }
}

TEST(TopicReader, StartsAtAnOffsetAndStopsAtTheLimit) {
    const auto topic = make_topic_with_records(1, 0, 10);
    auto request = whole(topic, 1);
    request.start_offset = 4;
    request.limit = 3;
    const auto records = kafka::read_topic(stack_client("reader-test"), request);
    ASSERT_EQ(records.size(), 3U);
    EXPECT_EQ(records.front().offset, 4);
    EXPECT_EQ(records.back().offset, 6);
}

TEST(TopicReader, StreamsEachRecordOnceInOffsetOrderUpToTheEndOffsets) {
    const auto topic = make_topic_with_records(3, 1, 9);
    auto request = whole(topic, 3);
    request.end_offsets = {{1, 5}, {2, 0}};  // partition 0 (empty) to its end, 1 below 5
    request.limit = std::numeric_limits<std::size_t>::max();
    std::vector<std::int64_t> offsets;
    const auto visited =
        kafka::read_topic(stack_client("reader-test"), request, [&](kafka::Record& record) {
            EXPECT_EQ(record.partition, 1);
            EXPECT_EQ(record.value, "value-" + std::to_string(record.offset));
            EXPECT_EQ(record.header("n"), std::to_string(record.offset));
            offsets.push_back(record.offset);
            record.value = "changed by the visitor";  // the next record is refilled anyway
        });
    EXPECT_EQ(visited, 5U);
    EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
}

TEST(TopicReader, APartitionThatIsNotThereTimesOutNamingIt) {
    const auto topic = make_topic_with_records(1, 0, 1);
    auto request = whole(topic, 1);
    request.partitions.push_back(7);  // the topic has one partition
    request.timeout = seconds(3);
    try {
        kafka::read_topic(stack_client("reader-test"), request);
        FAIL() << "a missing partition was read to its end";
    } catch (const kafka::KafkaError& e) {
        EXPECT_EQ(e.code(), RD_KAFKA_RESP_ERR__TIMED_OUT);
        EXPECT_NE(std::string(e.what()).find(topic + "[7]"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace orderflow::test
