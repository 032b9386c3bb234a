#include "console/lag_maths.h"

#include <gtest/gtest.h>

namespace orderflow::console {
namespace {

TEST(LagMaths, LagIsTheRecordsBetweenTheCommittedOffsetAndTheLogEnd) {
    const auto lag = partition_lag({"orders", 2}, 7, {.low = 0, .high = 10});
    EXPECT_EQ(lag.topic, "orders");
    EXPECT_EQ(lag.partition, 2);
    EXPECT_EQ(lag.committed, 7);
    EXPECT_EQ(lag.end, 10);
    EXPECT_EQ(lag.lag, 3);
}

TEST(LagMaths, WithoutACommittedOffsetTheWholeLogIsLag) {
    const auto lag = partition_lag({"orders", 0}, std::nullopt, {.low = 4, .high = 10});
    EXPECT_FALSE(lag.committed);
    EXPECT_EQ(lag.lag, 6);
}

TEST(LagMaths, AnOffsetPastTheEndIsNoLagAndOneBeforeTheStartCountsFromTheStart) {
    EXPECT_EQ(partition_lag({"orders", 0}, 15, {.low = 0, .high = 10}).lag, 0);
    // Retention removed records the group never read: they are gone, not lag.
    EXPECT_EQ(partition_lag({"orders", 0}, 2, {.low = 8, .high = 10}).lag, 2);
}

TEST(LagMaths, EmptyTopicsHaveNoLag) {
    EXPECT_EQ(partition_lag({"orders", 0}, std::nullopt, {.low = 5, .high = 5}).lag, 0);
    EXPECT_EQ(partition_lag({"orders", 0}, 0, {.low = 0, .high = 0}).lag, 0);
}

TEST(LagMaths, EveryPartitionOfEveryTopicIsListedAndNegativeOffsetsAreNone) {
    const std::map<kafka::TopicPartitionId, std::int64_t> committed = {
        {{"a", 0}, 3}, {{"a", 1}, -1001}, {{"b", 0}, 1}};
    const TopicWatermarks marks = {{"a", {{0, {0, 5}}, {1, {0, 4}}}}, {"b", {{0, {0, 1}}}}};
    const auto lags = partition_lags(committed, marks);
    ASSERT_EQ(lags.size(), 3U);
    EXPECT_EQ(lags[0].lag, 2);
    EXPECT_FALSE(lags[1].committed);
    EXPECT_EQ(lags[1].lag, 4);
    EXPECT_EQ(lags[2].topic, "b");
    EXPECT_EQ(lags[2].lag, 0);
}

TEST(LagMaths, ConsumedTopicsAreTheCommittedAndTheAssignedOnes) {
    kafka::GroupDescription description;
    description.members.push_back({"m", "c", "h", {{"assigned", 0}, {"both", 1}}});
    const auto topics = consumed_topics({{{"committed", 0}, 1}, {{"both", 0}, 2}}, description);
    EXPECT_EQ(topics, (std::set<std::string>{"assigned", "both", "committed"}));
}

TEST(LagMaths, SecondsAreTheAgeOfTheOldestUnconsumedRecord) {
    std::vector<PartitionLag> lags = {partition_lag({"t", 0}, 7, {0, 10}),
                                      partition_lag({"t", 1}, 10, {0, 10}),
                                      partition_lag({"t", 2}, 0, {0, 4})};
    const auto wanted = oldest_unconsumed(lags);
    ASSERT_EQ(wanted.size(), 2U);  // the caught-up partition needs no record
    EXPECT_EQ(wanted[0], (RecordPosition{"t", 0, 7}));
    EXPECT_EQ(wanted[1], (RecordPosition{"t", 2, 0}));

    add_lag_seconds(lags, {{{"t", 0, 7}, 1000}}, 3500);
    EXPECT_EQ(lags[0].seconds, 2.5);
    EXPECT_EQ(lags[1].seconds, 0.0);
    EXPECT_FALSE(lags[2].seconds);  // its record was not read
}

TEST(LagMaths, ARecordFromTheFutureIsNoNegativeAge) {
    std::vector<PartitionLag> lags = {partition_lag({"t", 0}, 0, {0, 1})};
    add_lag_seconds(lags, {{{"t", 0, 0}, 9000}}, 1000);
    EXPECT_EQ(lags[0].seconds, 0.0);
}

TEST(LagMaths, TotalsSumMessagesAndTakeTheLargestAge) {
    std::vector<PartitionLag> lags = {partition_lag({"t", 0}, 7, {0, 10}),
                                      partition_lag({"t", 1}, 1, {0, 3})};
    lags[0].seconds = 4.0;
    lags[1].seconds = 9.0;
    auto totals = lag_totals(lags);
    EXPECT_EQ(totals.messages, 5);
    EXPECT_EQ(totals.seconds, 9.0);

    lags[1].seconds.reset();
    totals = lag_totals(lags);
    EXPECT_EQ(totals.messages, 5);
    EXPECT_FALSE(totals.seconds);  // one unknown age makes the largest unknown

    totals = lag_totals({});
    EXPECT_FALSE(totals.messages);  // a group consuming nothing has no lag figure at all
    EXPECT_FALSE(totals.seconds);
}

TEST(LagMaths, MessagesHeldSumEveryPartitionsLog) {
    EXPECT_EQ(messages_held({{0, {2, 10}}, {1, {0, 5}}}), 13);
    EXPECT_EQ(messages_held({}), 0);
}

}  // namespace
}  // namespace orderflow::console
