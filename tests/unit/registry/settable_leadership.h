#pragma once

// A Leadership the test moves: it learns a leader's URL or becomes the leader, and announces
// each change as GroupLeadership does.

#include "registry/leadership.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

namespace orderflow::registry::testing {

class SettableLeadership : public Leadership {
public:
    bool is_leader() const override { return leader_.load(); }
    std::optional<std::string> leader_url() const override {
        std::lock_guard lock(mutex_);
        return url_;
    }
    void set_url(std::string url) {
        {
            std::lock_guard lock(mutex_);
            url_ = std::move(url);
        }
        announce_change();
    }
    void lead() {
        leader_ = true;
        announce_change();
    }

private:
    std::atomic<bool> leader_{false};
    mutable std::mutex mutex_;
    std::optional<std::string> url_;
};

}  // namespace orderflow::registry::testing
