#include "consumer/batch_accumulator.h"

#include <gtest/gtest.h>

namespace orderflow::consumer {
namespace {

using Clock = BatchAccumulator::Clock;
using std::chrono::milliseconds;

InboundMessage message(std::int32_t partition, std::int64_t offset) {
    return {"orders", partition, offset, std::nullopt, "v", 0};
}

TEST(BatchAccumulator, IsFullAtBatchSize) {
    BatchAccumulator batch(10, milliseconds(2000));
    const auto now = Clock::now();
    for (int i = 0; i < 9; ++i) {
        batch.add(message(0, i), now);
        EXPECT_FALSE(batch.full());
    }
    batch.add(message(0, 9), now);
    EXPECT_TRUE(batch.full());
    const auto taken = batch.take();
    ASSERT_EQ(taken.size(), 10U);
    EXPECT_EQ(taken.front().offset, 0);
    EXPECT_EQ(taken.back().offset, 9);
    EXPECT_TRUE(batch.empty());
    EXPECT_FALSE(batch.full());
}

TEST(BatchAccumulator, PartialBatchIsDueAfterTheTimeout) {
    BatchAccumulator batch(10, milliseconds(2000));
    const auto start = Clock::now();
    EXPECT_FALSE(batch.due(start + milliseconds(5000)));  // empty is never due
    EXPECT_FALSE(batch.deadline());
    batch.add(message(1, 0), start);
    batch.add(message(1, 1), start + milliseconds(1500));  // the first message sets the clock
    EXPECT_FALSE(batch.due(start + milliseconds(1999)));
    EXPECT_TRUE(batch.due(start + milliseconds(2000)));
    EXPECT_EQ(*batch.deadline(), start + milliseconds(2000));
}

TEST(BatchAccumulator, TimeoutRestartsWithTheNextBatch) {
    BatchAccumulator batch(10, milliseconds(2000));
    const auto start = Clock::now();
    batch.add(message(0, 0), start);
    batch.take();
    batch.add(message(0, 1), start + milliseconds(3000));
    EXPECT_FALSE(batch.due(start + milliseconds(4000)));
    EXPECT_TRUE(batch.due(start + milliseconds(5000)));
}

TEST(BatchAccumulator, TakingTheFirstMessagesKeepsTheTimeoutOfTheRest) {
    BatchAccumulator batch(10, milliseconds(2000));
    const auto start = Clock::now();
    batch.add(message(0, 0), start);
    batch.add(message(0, 1), start + milliseconds(1000));
    batch.add(message(0, 2), start + milliseconds(1500));
    const auto first = batch.take(1);
    ASSERT_EQ(first.size(), 1U);
    EXPECT_EQ(first[0].offset, 0);
    EXPECT_EQ(batch.size(), 2U);
    // Due 2 s after the arrival of offset 1, not of offset 0 nor of the take.
    EXPECT_EQ(*batch.deadline(), start + milliseconds(3000));
    EXPECT_EQ(batch.take(5).size(), 2U);
    EXPECT_TRUE(batch.empty());
}

TEST(BatchAccumulator, RevocationTakesOnlyTheRevokedPartitions) {
    BatchAccumulator batch(10, milliseconds(2000));
    const auto now = Clock::now();
    batch.add(message(0, 5), now);
    batch.add(message(1, 7), now);
    batch.add(message(0, 6), now);
    batch.add(message(2, 1), now);
    const auto revoked = batch.take({{"orders", 0}, {"orders", 2}});
    ASSERT_EQ(revoked.size(), 3U);
    EXPECT_EQ(revoked[0].offset, 5);
    EXPECT_EQ(revoked[1].offset, 6);
    EXPECT_EQ(revoked[2].partition, 2);
    ASSERT_EQ(batch.size(), 1U);
    EXPECT_EQ(batch.take().front().partition, 1);
}

TEST(BatchAccumulator, ZeroTimeoutIsDueAtOnce) {
    BatchAccumulator batch(500, milliseconds(0));
    const auto now = Clock::now();
    batch.add(message(0, 0), now);
    EXPECT_TRUE(batch.due(now));
}

}  // namespace
}  // namespace orderflow::consumer
