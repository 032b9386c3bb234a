#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace orderflow::metrics {
namespace {

TEST(Histogram, CountsEachObservationIntoTheFirstBucketAtOrAboveIt) {
    Histogram histogram({0.01, 0.1, 1});
    for (const double value : {0.005, 0.01, 0.05, 0.5, 0.7, 3.0}) {
        histogram.observe(value);
    }
    const auto snapshot = histogram.snapshot();
    // le="0.01" holds 0.005 and 0.01 itself (a bound is inclusive).
    EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{2, 3, 5, 6}));
    EXPECT_EQ(snapshot.count, 6U);
    EXPECT_DOUBLE_EQ(snapshot.sum, 0.005 + 0.01 + 0.05 + 0.5 + 0.7 + 3.0);
}

TEST(Histogram, RejectsBoundsThatAreEmptyOrNotAscending) {
    EXPECT_THROW(Histogram({}), std::invalid_argument);
    EXPECT_THROW(Histogram({1, 1}), std::invalid_argument);
    EXPECT_THROW(Histogram({2, 1}), std::invalid_argument);
}

TEST(Histogram, ObservationsFromManyThreadsAreAllCounted) {
    Histogram histogram({1, 2});
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&histogram] {
            for (int i = 0; i < 10000; ++i) {
                histogram.observe(i % 3);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto snapshot = histogram.snapshot();
    EXPECT_EQ(snapshot.count, 40000U);
    EXPECT_EQ(snapshot.cumulative[0], 4 * 6667U);  // the 0s and 1s; the 2s are above le="1"
    EXPECT_DOUBLE_EQ(snapshot.sum, 4.0 * (3333 * 1 + 3333 * 2));
}

TEST(HistogramRendering, CumulativeBucketsSumAndCountWithTheSeriesLabels) {
    Registry registry;
    auto& latency = registry.histogram("orderflow_test_latency_seconds", "latency",
                                       {0.001, 0.0025, 1}, {{"group", "g1"}});
    latency.observe(0.002);
    latency.observe(0.5);
    latency.observe(7);
    EXPECT_EQ(registry.render(),
              "# HELP orderflow_test_latency_seconds latency\n"
              "# TYPE orderflow_test_latency_seconds histogram\n"
              "orderflow_test_latency_seconds_bucket{group=\"g1\",le=\"0.001\"} 0\n"
              "orderflow_test_latency_seconds_bucket{group=\"g1\",le=\"0.0025\"} 1\n"
              "orderflow_test_latency_seconds_bucket{group=\"g1\",le=\"1\"} 2\n"
              "orderflow_test_latency_seconds_bucket{group=\"g1\",le=\"+Inf\"} 3\n"
              "orderflow_test_latency_seconds_sum{group=\"g1\"} 7.502\n"
              "orderflow_test_latency_seconds_count{group=\"g1\"} 3\n");
}

TEST(HistogramRendering, WithoutLabelsOnlyTheBoundIsInBraces) {
    Registry registry;
    registry.histogram("orderflow_test_size", "size", {10}).observe(3);
    const auto text = registry.render();
    EXPECT_NE(text.find("orderflow_test_size_bucket{le=\"10\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("orderflow_test_size_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("orderflow_test_size_sum 3\norderflow_test_size_count 1\n"),
              std::string::npos)
        << text;
}

TEST(HistogramRendering, SameNameAndLabelsGiveTheSameHistogramUnlessTheBucketsDiffer) {
    Registry registry;
    auto& first = registry.histogram("orderflow_test_h", "h", {1, 2}, {{"group", "a"}});
    EXPECT_EQ(&registry.histogram("orderflow_test_h", "h", {1, 2}, {{"group", "a"}}), &first);
    EXPECT_NE(&registry.histogram("orderflow_test_h", "h", {1, 2}, {{"group", "b"}}), &first);
    EXPECT_THROW(registry.histogram("orderflow_test_h", "h", {1, 3}, {{"group", "a"}}),
                 std::invalid_argument);
}

}  // namespace
}  // namespace orderflow::metrics
