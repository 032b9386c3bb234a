#include "topic_browser/message_query.h"

#include <gtest/gtest.h>

namespace orderflow::topic_browser {
namespace {

const std::map<std::int32_t, kafka::Watermarks> kMarks = {{0, {10, 20}}, {1, {0, 3}}};

TEST(TopicBrowserReadPlan, FromTheBeginningReadsAPageFromEachPartitionsFirstOffset) {
    MessageQuery query;
    query.from_beginning = true;
    query.limit = 5;
    const auto plan = plan_read(query, kMarks);
    EXPECT_EQ(plan.start, (std::map<std::int32_t, std::int64_t>{{0, 10}, {1, 0}}));
    EXPECT_EQ(plan.end, (std::map<std::int32_t, std::int64_t>{{0, 15}, {1, 3}}));
    EXPECT_TRUE(plan.cut) << "partition 0 holds more after the page";
}

TEST(TopicBrowserReadPlan, APageThatHoldsEverythingIsNotCut) {
    MessageQuery query;
    query.limit = 50;
    const auto plan = plan_read(query, kMarks);
    EXPECT_EQ(plan.start, (std::map<std::int32_t, std::int64_t>{{0, 10}, {1, 0}}));
    EXPECT_EQ(plan.end, (std::map<std::int32_t, std::int64_t>{{0, 20}, {1, 3}}));
    EXPECT_FALSE(plan.cut);
}

TEST(TopicBrowserReadPlan, AnOffsetBelowTheLogStartStartsAtTheLogStart) {
    MessageQuery query;
    query.partition = 0;
    query.offset = 2;
    const auto plan = plan_read(query, kMarks);
    EXPECT_EQ(plan.start, (std::map<std::int32_t, std::int64_t>{{0, 10}}));
}

TEST(TopicBrowserReadPlan, AnEmptyPartitionIsPlannedEmpty) {
    const std::map<std::int32_t, kafka::Watermarks> empty = {{0, {7, 7}}};
    const auto plan = plan_read(MessageQuery{}, empty);
    EXPECT_EQ(plan.start.at(0), 7);
    EXPECT_EQ(plan.end.at(0), 7);
    EXPECT_FALSE(plan.cut);
}

TEST(TopicBrowserReadPlan, ErrorsNameTheParameter) {
    MessageQuery query;
    query.partition = 4;
    try {
        plan_read(query, kMarks);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()),
                  "partition: 4 does not exist (the topic has 2 partitions)");
    }
    query.partition = 1;
    query.offset = 4;
    try {
        plan_read(query, kMarks);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()), "offset: 4 is past the end of partition 1 (3)");
    }
}

}  // namespace
}  // namespace orderflow::topic_browser
