#include "consumer/latency_split.h"

#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace orderflow::consumer {
namespace {

struct Case {
    const char* what;
    OrderTimes times;
    LatencySplit expected;
};

// created, kafka, fetched, stored -> to_kafka, in_kafka, to_redis, total, clamped.
const Case kCases[] = {
    {"one clock: the three stages add up to the whole",
     {1000, 1012, 1050, 1053},
     {12, 38, 3, 53, 0}},
    {"a broker clock 7 ms behind the producer's: that stage is 0 and counted",
     {1000, 993, 1020, 1025},
     {0, 27, 5, 25, 1}},
    {"a consumer clock 100 ms behind: each stage it ends is clamped",
     {1000, 1010, 930, 935},
     {10, 0, 5, 0, 2}},
    {"a record without a timestamp waits in Kafka from its creation",
     {1000, -1, 1040, 1041},
     {0, 40, 1, 41, 0}},
};

TEST(LatencySplitTest, EachStageIsItsDifferenceClampedAtZero) {
    for (const auto& c : kCases) {
        const auto split = split_latency(c.times);
        EXPECT_EQ(split.to_kafka_ms, c.expected.to_kafka_ms) << c.what;
        EXPECT_EQ(split.in_kafka_ms, c.expected.in_kafka_ms) << c.what;
        EXPECT_EQ(split.to_redis_ms, c.expected.to_redis_ms) << c.what;
        EXPECT_EQ(split.total_ms, c.expected.total_ms) << c.what;
        EXPECT_EQ(split.clamped, c.expected.clamped) << c.what;
        if (split.clamped == 0) {
            EXPECT_EQ(split.to_kafka_ms + split.in_kafka_ms + split.to_redis_ms, split.total_ms)
                << c.what;
        }
    }
}

TEST(LatencySplitTest, BucketsAreAscendingAndSeparateTheMillisecondsThatMatter) {
    const auto& bounds = latency_stage_buckets();
    ASSERT_TRUE(std::is_sorted(bounds.begin(), bounds.end()));
    EXPECT_LE(bounds.front(), 0.001);
    EXPECT_GE(bounds.back(), 60);
    // No bucket wider than x2 up to 10 s: a p99 read off them is within a factor of 2.
    for (std::size_t i = 1; i < bounds.size() && bounds[i] <= 10; ++i) {
        EXPECT_LE(bounds[i] / bounds[i - 1], 2.0) << bounds[i];
    }
    metrics::Histogram histogram(bounds);
    histogram.observe(0.004);  // 4 ms: in the 5 ms bucket, not the 3 ms one
    histogram.observe(0.6);
    const auto snapshot = histogram.snapshot();
    const auto index = [&](double bound) {
        return static_cast<std::size_t>(std::find(bounds.begin(), bounds.end(), bound) -
                                        bounds.begin());
    };
    EXPECT_EQ(snapshot.cumulative[index(0.003)], 0U);
    EXPECT_EQ(snapshot.cumulative[index(0.005)], 1U);
    EXPECT_EQ(snapshot.cumulative[index(0.5)], 1U);
    EXPECT_EQ(snapshot.cumulative[index(0.75)], 2U);
}

}  // namespace
}  // namespace orderflow::consumer
