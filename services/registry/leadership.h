#pragma once

// Who may write, and how a write that arrives while nobody is known to lead waits for one.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace orderflow::registry {

/// Who may write. A follower forwards writes to leader_url().
class Leadership {
public:
    virtual ~Leadership() = default;
    virtual bool is_leader() const = 0;
    /// The leader's base URL ("http://host:port") when known.
    virtual std::optional<std::string> leader_url() const = 0;

    /// Waits until this instance leads or knows the leader, or until `deadline`. Returns
    /// whether a leader is known. Woken by announce_change(), not by polling.
    bool wait_for_leader(std::chrono::steady_clock::time_point deadline) const;

protected:
    /// Implementations call this after is_leader() or leader_url() may have changed.
    void announce_change();

private:
    mutable std::mutex change_mutex_;
    mutable std::condition_variable changed_;
    std::uint64_t changes_ = 0;
};

/// A single instance: always its own leader.
class SoleLeader : public Leadership {
public:
    bool is_leader() const override { return true; }
    std::optional<std::string> leader_url() const override { return std::nullopt; }
};

}  // namespace orderflow::registry
