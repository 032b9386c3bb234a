#include "metrics/histogram.h"

#include <algorithm>
#include <stdexcept>

namespace orderflow::metrics {

Histogram::Histogram(std::vector<double> upper_bounds) : upper_bounds_(std::move(upper_bounds)) {
    if (upper_bounds_.empty()) {
        throw std::invalid_argument("a histogram needs at least one bucket");
    }
    if (std::adjacent_find(upper_bounds_.begin(), upper_bounds_.end(), std::greater_equal<>()) !=
        upper_bounds_.end()) {
        throw std::invalid_argument("histogram bucket bounds must be strictly ascending");
    }
    buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1);
}

void Histogram::observe(double value) {
    // Prometheus buckets are "less than or equal": the first bound >= value.
    const auto at = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
    buckets_[static_cast<std::size_t>(at - upper_bounds_.begin())].fetch_add(
        1, std::memory_order_relaxed);
    double current = sum_.load(std::memory_order_relaxed);
    while (!sum_.compare_exchange_weak(current, current + value, std::memory_order_relaxed)) {
    }
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot out;
    out.upper_bounds = upper_bounds_;
    out.cumulative.reserve(upper_bounds_.size() + 1);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        out.cumulative.push_back(running);
    }
    out.count = running;
    out.sum = sum_.load(std::memory_order_relaxed);
    return out;
}

}  // namespace orderflow::metrics
