#include "consumer/redis_order_sink.h"

#include "common/settings.h"
#include "orders/generator.h"
#include "redis/connection.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace orderflow::consumer {
namespace {

constexpr std::int64_t kCreatedAt = 1'700'000'000'000;

class RedisOrderSinkTest : public ::testing::Test {
protected:
    redis::Connection connection_{
        redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url)};
    redis::OrderStore store_{connection_, test::unique_name("sink")};
    metrics::Histogram latency_{e2e_latency_buckets()};
    std::int64_t now_ms_ = kCreatedAt + 1500;
    RedisOrderSink sink_{store_, latency_, [this] { return now_ms_; }};
    orders::OrderGenerator generator_{7, 3, [] { return kCreatedAt; }};

    redis::StoreEntry entry(std::int64_t offset) {
        return {"orders", 0, offset, generator_.next()};
    }
};

TEST_F(RedisOrderSinkTest, ObservesEachAppliedOrderOnceNeverADuplicateOrADeadLetter) {
    const std::vector batch = {entry(0), entry(1), entry(2)};
    ASSERT_EQ(sink_.write(batch), std::vector(3, redis::WriteOutcome::kApplied));
    ASSERT_EQ(sink_.write(batch), std::vector(3, redis::WriteOutcome::kDuplicate));
    ASSERT_EQ(sink_.write({{"orders", 0, 3, std::nullopt}}),
              std::vector{redis::WriteOutcome::kDeadLettered});

    // stored_at is the sink's clock at the write.
    EXPECT_EQ(connection_
                  .command({"HGET",
                            redis::order_key(store_.group(), batch[0].partition,
                                             batch[0].order->order_id),
                            "stored_at"})
                  .str,
              std::to_string(kCreatedAt + 1500));
    const auto snapshot = latency_.snapshot();
    EXPECT_EQ(snapshot.count, 3U);
    EXPECT_DOUBLE_EQ(snapshot.sum, 3 * 1.5);
    // 1.5 s falls in le="2", not le="1".
    const auto& bounds = e2e_latency_buckets();
    const auto le_1 =
        static_cast<std::size_t>(std::find(bounds.begin(), bounds.end(), 1.0) - bounds.begin());
    EXPECT_EQ(snapshot.cumulative[le_1], 0U);
    EXPECT_EQ(snapshot.cumulative[le_1 + 1], 3U);
}

TEST_F(RedisOrderSinkTest, AClockBehindTheProducerCountsAsZero) {
    now_ms_ = kCreatedAt - 5000;
    ASSERT_EQ(sink_.write({entry(0)}), std::vector{redis::WriteOutcome::kApplied});
    const auto snapshot = latency_.snapshot();
    EXPECT_EQ(snapshot.cumulative.front(), 1U);
    EXPECT_EQ(snapshot.sum, 0);
}

}  // namespace
}  // namespace orderflow::consumer
