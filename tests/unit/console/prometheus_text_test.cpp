#include "console/prometheus_text.h"

#include <gtest/gtest.h>

namespace orderflow::console {
namespace {

constexpr const char* kText = R"(# HELP orderflow_consumer_orders_applied_total Orders written
# TYPE orderflow_consumer_orders_applied_total counter
orderflow_consumer_orders_applied_total{group="orders-auto"} 12
orderflow_consumer_orders_applied_total{group="orders-batch"} 10
orderflow_consumer_batch_held{group="orders-batch"} 7
orderflow_consumer_e2e_latency_seconds_bucket{group="orders-auto",le="0.01"} 10
orderflow_consumer_e2e_latency_seconds_bucket{group="orders-auto",le="0.1"} 90
orderflow_consumer_e2e_latency_seconds_bucket{group="orders-auto",le="1"} 100
orderflow_consumer_e2e_latency_seconds_bucket{group="orders-auto",le="+Inf"} 100
orderflow_consumer_e2e_latency_seconds_count{group="orders-auto"} 100
orderflow_consumer_e2e_latency_seconds_sum{group="orders-auto"} 4.5
garbage line without value
broken{label="x 3
orderflow_producer_orders_in_flight 3 1700000000000
)";

TEST(PrometheusText, ReadsCountersGaugesWithLabelsAndSkipsMalformedLines) {
    const auto samples = parse_prometheus(kText);
    EXPECT_EQ(
        metric(samples, "orderflow_consumer_orders_applied_total", {{"group", "orders-batch"}}),
        10);
    EXPECT_EQ(metric(samples, "orderflow_consumer_batch_held", {{"group", "orders-batch"}}), 7);
    EXPECT_EQ(metric(samples, "orderflow_producer_orders_in_flight"), 3);  // with a timestamp
    EXPECT_FALSE(metric(samples, "orderflow_consumer_batch_held", {{"group", "orders-auto"}}));
    EXPECT_FALSE(metric(samples, "broken"));
}

TEST(PrometheusText, QuantilesInterpolateInsideTheBucketAsHistogramQuantileDoes) {
    const auto samples = parse_prometheus(kText);
    const auto latency =
        histogram(samples, "orderflow_consumer_e2e_latency_seconds", {{"group", "orders-auto"}});
    ASSERT_TRUE(latency);
    EXPECT_EQ(latency->count, 100);
    // p50: rank 50 lies in (0.01, 0.1] holding ranks 10..90: 0.01 + 0.09 * 40/80.
    EXPECT_DOUBLE_EQ(*quantile(*latency, 0.5), 0.01 + 0.09 * 40.0 / 80.0);
    // p99: rank 99 in (0.1, 1] holding 90..100.
    EXPECT_DOUBLE_EQ(*quantile(*latency, 0.99), 0.1 + 0.9 * 9.0 / 10.0);
    EXPECT_FALSE(
        histogram(samples, "orderflow_consumer_e2e_latency_seconds", {{"group", "orders-batch"}}))
        << "a consumer without the histogram";

    // Only what was observed since an earlier scrape.
    Histogram before = *latency;
    for (auto& [le, count] : before.buckets) {
        count = std::min(count, 10.0);
    }
    before.count = 10;
    const auto recent = difference(*latency, before);
    EXPECT_EQ(recent.count, 90);
    EXPECT_DOUBLE_EQ(*quantile(recent, 0.5), 0.01 + 0.09 * 45.0 / 80.0);
    EXPECT_FALSE(quantile(difference(*latency, *latency), 0.5)) << "no observations: no quantile";
}

TEST(PrometheusText, AQuantileInTheInfBucketIsTheHighestFiniteBound) {
    Histogram h;
    h.buckets = {{0.5, 1}, {std::numeric_limits<double>::infinity(), 10}};
    EXPECT_EQ(*quantile(h, 0.99), 0.5);
}

}  // namespace
}  // namespace orderflow::console
