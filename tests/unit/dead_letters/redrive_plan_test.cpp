#include "dead_letters/redrive_plan.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace orderflow::dead_letters {
namespace {

DeadLetterRecord letter(std::int64_t dlq_offset, std::optional<SourcePosition> source) {
    DeadLetterRecord l;
    l.record.offset = dlq_offset;
    l.source = std::move(source);
    return l;
}

std::vector<std::int64_t> offsets(const std::vector<DeadLetterRecord>& letters) {
    std::vector<std::int64_t> out;
    for (const auto& l : letters) {
        out.push_back(l.record.offset);
    }
    return out;
}

const std::vector<DeadLetterRecord> kLetters = {
    letter(0, SourcePosition{"orders", 1, 10}),  // dead-lettered by orders-auto
    letter(1, SourcePosition{"orders", 1, 10}),  // the same message, by orders-batch
    letter(2, SourcePosition{"orders", 4, 3}),
    letter(3, std::nullopt),  // not written by a consumer
};

TEST(RedrivePlan, AllSendsEachSourceMessageOnce) {
    const auto plan = plan_redrive(kLetters, {true, {}}, "orders");
    EXPECT_EQ(offsets(plan.send), (std::vector<std::int64_t>{0, 2}));
    ASSERT_EQ(plan.skipped.size(), 2U);
    EXPECT_EQ(plan.skipped[0].letter.record.offset, 1);
    EXPECT_NE(plan.skipped[0].why.find("already"), std::string::npos);
    EXPECT_EQ(plan.skipped[1].letter.record.offset, 3);
    EXPECT_NE(plan.skipped[1].why.find("headers"), std::string::npos);
}

TEST(RedrivePlan, OffsetsPickOnlyThoseRecords) {
    const auto plan = plan_redrive(kLetters, {false, {2, 1}}, "orders");
    EXPECT_EQ(offsets(plan.send), (std::vector<std::int64_t>{1, 2}));
    EXPECT_TRUE(plan.skipped.empty());
}

TEST(RedrivePlan, TheSameOffsetTwiceIsSentOnce) {
    const auto plan = plan_redrive(kLetters, {false, {2, 2}}, "orders");
    EXPECT_EQ(offsets(plan.send), (std::vector<std::int64_t>{2}));
}

TEST(RedrivePlan, AnOffsetTheTopicDoesNotHoldIsRefused) {
    try {
        plan_redrive(kLetters, {false, {2, 99}}, "orders");
        FAIL() << "offset 99 was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("99"), std::string::npos);
    }
}

TEST(RedrivePlan, AnEmptyTopicPlansNothing) {
    const auto plan = plan_redrive({}, {true, {}}, "orders");
    EXPECT_TRUE(plan.send.empty());
    EXPECT_TRUE(plan.skipped.empty());
}

// Headers are anyone's to write: a letter naming another topic (the registry's own _schemas
// here) is refused, whatever else is selected, and the others are still planned.
TEST(RedrivePlan, ALetterNamingAnotherTopicIsRefusedNeverSent) {
    const std::vector<DeadLetterRecord> letters = {
        letter(0, SourcePosition{"_schemas", 0, 5}),
        letter(1, SourcePosition{"orders", 2, 7}),
        letter(2, SourcePosition{"orders.dlq", 0, 1}),
    };
    const auto plan = plan_redrive(letters, {true, {}}, "orders");
    EXPECT_EQ(offsets(plan.send), (std::vector<std::int64_t>{1}));
    EXPECT_TRUE(plan.skipped.empty());
    ASSERT_EQ(plan.refused.size(), 2U);
    EXPECT_EQ(plan.refused[0].letter.record.offset, 0);
    EXPECT_NE(plan.refused[0].why.find("names _schemas, not orders"), std::string::npos)
        << plan.refused[0].why;
    EXPECT_EQ(plan.refused[1].letter.record.offset, 2);
}

TEST(RedrivePlan, TheServedTopicIsTheConfiguredOne) {
    const auto plan = plan_redrive(kLetters, {true, {}}, "orders-test-7");
    EXPECT_TRUE(plan.send.empty());
    EXPECT_EQ(plan.refused.size(), 3U);  // the letter without headers is skipped, not refused
    EXPECT_EQ(plan.skipped.size(), 1U);
}

}  // namespace
}  // namespace orderflow::dead_letters
