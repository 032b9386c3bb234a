#pragma once

// A Prometheus histogram: observations counted into fixed buckets given at creation.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace orderflow::metrics {

/**
 * Counts observations into buckets with the upper bounds given at creation (ascending; the
 * `+Inf` bucket is implicit) and keeps their sum. observe() is a binary search and three
 * relaxed atomic adds: cheap enough for a hot path, safe from any thread.
 */
class Histogram {
public:
    /// Errors: std::invalid_argument when `upper_bounds` is empty or not strictly ascending.
    explicit Histogram(std::vector<double> upper_bounds);

    void observe(double value);

    struct Snapshot {
        std::vector<double> upper_bounds;
        std::vector<std::uint64_t> cumulative;  ///< per bound, then `+Inf` (== count)
        double sum = 0;
        std::uint64_t count = 0;
    };
    /// What has been observed; count is the `+Inf` bucket, so the two always agree.
    Snapshot snapshot() const;
    const std::vector<double>& upper_bounds() const { return upper_bounds_; }

private:
    std::vector<double> upper_bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // not cumulative; last is +Inf
    std::atomic<double> sum_{0};
};

}  // namespace orderflow::metrics
