#include "registry/leadership.h"

#include "settable_leadership.h"

#include <gtest/gtest.h>

#include <thread>

namespace orderflow::registry {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

using testing::SettableLeadership;

TEST(Leadership, AKnownLeaderAnswersAtOnce) {
    SettableLeadership leadership;
    leadership.set_url("http://leader:8081");
    const auto start = Clock::now();
    EXPECT_TRUE(leadership.wait_for_leader(start + 10s));
    EXPECT_LT(Clock::now() - start, 1s);
    EXPECT_TRUE(SoleLeader().wait_for_leader(start));
}

TEST(Leadership, NobodyLeadingWaitsUntilTheDeadline) {
    SettableLeadership leadership;
    const auto start = Clock::now();
    EXPECT_FALSE(leadership.wait_for_leader(start + 200ms));
    EXPECT_GE(Clock::now() - start, 200ms);
}

TEST(Leadership, AnAnnouncedLeaderWakesTheWaiterLongBeforeTheDeadline) {
    SettableLeadership leadership;
    const auto start = Clock::now();
    std::thread elector([&] {
        std::this_thread::sleep_for(100ms);
        leadership.set_url("http://leader:8081");
    });
    EXPECT_TRUE(leadership.wait_for_leader(start + 30s));
    EXPECT_LT(Clock::now() - start, 10s);
    elector.join();
}

TEST(Leadership, BecomingTheLeaderWakesTheWaiter) {
    SettableLeadership leadership;
    const auto start = Clock::now();
    std::thread elector([&] {
        std::this_thread::sleep_for(50ms);
        leadership.lead();
    });
    EXPECT_TRUE(leadership.wait_for_leader(start + 30s));
    EXPECT_LT(Clock::now() - start, 10s);
    elector.join();
}

}  // namespace
}  // namespace orderflow::registry
