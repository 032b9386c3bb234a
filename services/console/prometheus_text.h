#pragma once

// Reading the Prometheus text format the producer and consumers serve at /metrics, and
// quantiles from a histogram's cumulative buckets (as PromQL's histogram_quantile does).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orderflow::console {

using MetricLabels = std::map<std::string, std::string>;

struct MetricSample {
    std::string name;
    MetricLabels labels;
    double value = 0;
};

/// Pure. Every sample line; comments, blank and malformed lines are skipped.
std::vector<MetricSample> parse_prometheus(std::string_view text);

/// The first sample named `name` whose labels include every one of `labels`.
std::optional<double> metric(const std::vector<MetricSample>& samples,
                             const std::string& name,
                             const MetricLabels& labels = {});

struct Histogram {
    std::vector<std::pair<double, double>> buckets;  ///< (le, cumulative count), le ascending
    double count = 0;
    double sum = 0;
};

/// `name`_bucket / _count / _sum with those labels; nullopt when the histogram is missing.
std::optional<Histogram> histogram(const std::vector<MetricSample>& samples,
                                   const std::string& name,
                                   const MetricLabels& labels = {});

/// Observations made between `before` and `now` (same buckets), clamped at 0.
Histogram difference(const Histogram& now, const Histogram& before);

/// The q-quantile (0..1) by linear interpolation inside the bucket holding it; the highest
/// finite bound when it falls in +Inf; nullopt without observations.
std::optional<double> quantile(const Histogram& histogram, double q);

}  // namespace orderflow::console
