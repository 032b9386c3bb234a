#pragma once

// Bytes of request bodies held across all connections (Limits::max_buffered_bytes): a body is
// admitted only while the sum stays under the cap, so many connections cannot together buffer
// more than it. Not for services.

#include <atomic>
#include <cstddef>

namespace orderflow::http::detail {

class BufferBudget {
public:
    explicit BufferBudget(std::size_t cap) : cap_(cap) {}
    /// Adds `bytes` unless the sum would pass the cap; false then (nothing added).
    bool take(std::size_t bytes);
    void give_back(std::size_t bytes);
    std::size_t held() const { return held_.load(); }
    std::size_t cap() const { return cap_; }

private:
    const std::size_t cap_;
    std::atomic<std::size_t> held_{0};
};

/// One request's share of the budget, given back when the last owner (the connection, or the
/// worker running its handler) lets go.
class BufferCharge {
public:
    explicit BufferCharge(BufferBudget& budget) : budget_(budget) {}
    ~BufferCharge() { budget_.give_back(bytes_); }
    BufferCharge(const BufferCharge&) = delete;
    BufferCharge& operator=(const BufferCharge&) = delete;

    /// Raises this share to `bytes` (never lowers it); false when the budget has no room.
    bool grow_to(std::size_t bytes);

private:
    BufferBudget& budget_;
    std::size_t bytes_ = 0;
};

}  // namespace orderflow::http::detail
