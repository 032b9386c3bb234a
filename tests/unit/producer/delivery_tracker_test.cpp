#include "producer/delivery_tracker.h"

#include <gtest/gtest.h>

#include <thread>

namespace orderflow::producer {
namespace {

using std::chrono::milliseconds;
using Clock = DeliveryTracker::Clock;

// Time moves only when the test says so.
struct FakeClock {
    Clock::time_point now = Clock::time_point(std::chrono::hours(1));
    void advance(milliseconds by) { now += by; }
};

std::unique_ptr<PendingOrder> order(const std::string& id) {
    auto pending = std::make_unique<PendingOrder>();
    pending->order.order_id = id;
    return pending;
}

class DeliveryTrackerTest : public ::testing::Test {
protected:
    FakeClock clock_;
    std::vector<std::int64_t> in_flight_;
    DeliveryTracker tracker_{{5, milliseconds(500)},
                             [this] { return clock_.now; },
                             [this](std::int64_t unsettled) { in_flight_.push_back(unsettled); }};

    // Sends `id` and fails it once; the tracker must queue it.
    void send_and_fail(const std::string& id, const std::string& reason) {
        tracker_.sent();
        ASSERT_EQ(tracker_.failed(order(id), reason), nullptr);
    }
};

TEST_F(DeliveryTrackerTest, ADeliveredOrderSettles) {
    tracker_.sent();
    tracker_.sent();
    EXPECT_EQ(tracker_.unsettled(), 2);
    tracker_.settled();
    tracker_.settled();
    EXPECT_EQ(tracker_.unsettled(), 0);
    EXPECT_EQ(in_flight_, (std::vector<std::int64_t>{1, 2, 1, 0}));
    EXPECT_EQ(tracker_.resends(), 0);
}

TEST_F(DeliveryTrackerTest, AFailedSendIsResentAfterADoublingBackoff) {
    send_and_fail("o-1", "timed out");
    EXPECT_EQ(tracker_.resends(), 1);
    EXPECT_TRUE(tracker_.take_due().empty());  // not yet
    clock_.advance(milliseconds(499));
    EXPECT_TRUE(tracker_.take_due().empty());
    clock_.advance(milliseconds(1));
    auto due = tracker_.take_due();
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0]->order.order_id, "o-1");
    EXPECT_EQ(due[0]->attempt, 1);
    EXPECT_EQ(due[0]->last_error, "timed out");
    EXPECT_TRUE(tracker_.take_due().empty());  // taken once

    // Its second failure waits twice as long, then four times, ...
    ASSERT_EQ(tracker_.failed(std::move(due[0]), "timed out again"), nullptr);
    clock_.advance(milliseconds(999));
    EXPECT_TRUE(tracker_.take_due().empty());
    clock_.advance(milliseconds(1));
    due = tracker_.take_due();
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0]->attempt, 2);
    EXPECT_EQ(tracker_.unsettled(), 1);  // still on its way
}

TEST_F(DeliveryTrackerTest, FiveResendsThenTheOrderIsHandedBackOnce) {
    tracker_.sent();
    auto pending = order("o-7");
    std::vector<milliseconds> waits;
    for (int resend = 1; resend <= 5; ++resend) {
        ASSERT_EQ(tracker_.failed(std::move(pending), "not enough replicas"), nullptr);
        auto wait = milliseconds(0);
        std::vector<std::unique_ptr<PendingOrder>> due;
        while ((due = tracker_.take_due()).empty()) {
            clock_.advance(milliseconds(100));
            wait += milliseconds(100);
        }
        ASSERT_EQ(due.size(), 1U);
        pending = std::move(due[0]);
        waits.push_back(wait);
    }
    EXPECT_EQ(waits,
              (std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000),
                                         milliseconds(4000), milliseconds(8000)}));
    auto given_up = tracker_.failed(std::move(pending), "not enough replicas");
    ASSERT_NE(given_up, nullptr);
    EXPECT_EQ(given_up->order.order_id, "o-7");
    EXPECT_EQ(given_up->attempt, 5);  // six attempts in the failed-orders file
    EXPECT_EQ(tracker_.resends(), 5);
    clock_.advance(std::chrono::minutes(5));
    EXPECT_TRUE(tracker_.take_due().empty());  // never re-sent again
    EXPECT_EQ(tracker_.unsettled(), 1);        // until its line is written
    tracker_.settled();
    EXPECT_EQ(tracker_.unsettled(), 0);
}

TEST_F(DeliveryTrackerTest, TheBackoffIsCappedAtThirtySeconds) {
    DeliveryTracker tracker({20, milliseconds(10'000)}, [this] { return clock_.now; });
    auto pending = order("o-1");
    pending->attempt = 3;  // the fourth re-send: 80 s uncapped
    ASSERT_EQ(tracker.failed(std::move(pending), "timed out"), nullptr);
    clock_.advance(milliseconds(29'999));
    EXPECT_TRUE(tracker.take_due().empty());
    clock_.advance(milliseconds(1));
    EXPECT_EQ(tracker.take_due().size(), 1U);
}

TEST_F(DeliveryTrackerTest, NoResendsConfiguredGivesUpAtTheFirstFailure) {
    DeliveryTracker tracker({0, milliseconds(500)}, [this] { return clock_.now; });
    const auto given_up = tracker.failed(order("o-1"), "timed out");
    ASSERT_NE(given_up, nullptr);
    EXPECT_EQ(given_up->attempt, 0);
    EXPECT_EQ(tracker.resends(), 0);
}

TEST_F(DeliveryTrackerTest, DueResendsComeOutInTheOrderTheyFailed) {
    send_and_fail("o-1", "e");
    clock_.advance(milliseconds(100));
    send_and_fail("o-2", "e");
    clock_.advance(milliseconds(100));
    send_and_fail("o-3", "e");
    clock_.advance(milliseconds(450));  // o-1 and o-2 due, o-3 not yet
    auto due = tracker_.take_due();
    ASSERT_EQ(due.size(), 2U);
    EXPECT_EQ(due[0]->order.order_id, "o-1");
    EXPECT_EQ(due[1]->order.order_id, "o-2");
    clock_.advance(milliseconds(100));
    due = tracker_.take_due();
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0]->order.order_id, "o-3");
}

TEST_F(DeliveryTrackerTest, TheLoopWakesForTheFirstResendDue) {
    const auto wake = clock_.now + milliseconds(100);
    EXPECT_EQ(tracker_.wake_at(wake), wake);
    send_and_fail("o-1", "e");  // due in 500 ms: later than the wake
    EXPECT_EQ(tracker_.wake_at(wake), wake);
    EXPECT_EQ(tracker_.wake_at(clock_.now + milliseconds(800)), clock_.now + milliseconds(500));
}

TEST_F(DeliveryTrackerTest, AtShutdownWaitingResendsAreTakenAndLaterFailuresHandedBack) {
    send_and_fail("o-1", "timed out");
    send_and_fail("o-2", "leader changed");
    tracker_.sent();  // o-3 still in librdkafka
    tracker_.stop_resending();
    const auto waiting = tracker_.take_waiting();
    ASSERT_EQ(waiting.size(), 2U);
    EXPECT_EQ(waiting[0]->order.order_id, "o-1");
    EXPECT_EQ(waiting[1]->last_error, "leader changed");
    clock_.advance(std::chrono::minutes(1));
    EXPECT_TRUE(tracker_.take_due().empty());
    EXPECT_TRUE(tracker_.take_waiting().empty());

    const auto purged = tracker_.failed(order("o-3"), "purged");  // no re-send after the stop
    ASSERT_NE(purged, nullptr);
    EXPECT_EQ(purged->attempt, 0);
    EXPECT_EQ(tracker_.resends(), 2);
    EXPECT_EQ(tracker_.unsettled(), 3);  // all three still to be written to the file
}

// Orders a replaced client lost come back at once, their attempts untouched, so the re-sends
// they have left are still theirs on the new client.
TEST_F(DeliveryTrackerTest, AnOrderLostWithAReplacedClientIsDueAtOnceWithoutAnAttempt) {
    send_and_fail("o-1", "timed out");
    tracker_.sent();
    ASSERT_EQ(tracker_.requeue(order("o-2"), "client replaced"), nullptr);
    auto due = tracker_.take_due();
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0]->order.order_id, "o-2");
    EXPECT_EQ(due[0]->attempt, 0);
    EXPECT_EQ(due[0]->last_error, "client replaced");
    EXPECT_EQ(tracker_.resends(), 1);  // only o-1's
    EXPECT_EQ(tracker_.unsettled(), 2);

    tracker_.stop_resending();
    const auto back = tracker_.requeue(std::move(due[0]), "client replaced");
    ASSERT_NE(back, nullptr);  // after a stop it is given up, not queued
    EXPECT_EQ(back->order.order_id, "o-2");
}

TEST_F(DeliveryTrackerTest, WaitSettledSaysWhetherEverythingSettledInTime) {
    EXPECT_TRUE(tracker_.wait_settled(milliseconds(0)));
    tracker_.sent();
    EXPECT_FALSE(tracker_.wait_settled(milliseconds(10)));
    std::thread delivery([this] {
        std::this_thread::sleep_for(milliseconds(20));
        tracker_.settled();
    });
    EXPECT_TRUE(tracker_.wait_settled(std::chrono::seconds(30)));
    delivery.join();
}

TEST_F(DeliveryTrackerTest, TheRunIsOverOnlyWhenNothingMoreIsToBeSentAndAllSettled) {
    EXPECT_FALSE(tracker_.rest_until(Clock::now(), false));
    EXPECT_TRUE(tracker_.rest_until(Clock::now(), true));  // more to send: rests, goes on
    tracker_.sent();
    EXPECT_TRUE(tracker_.rest_until(Clock::now(), false));  // one still unsettled
    tracker_.settled();
    EXPECT_FALSE(tracker_.rest_until(Clock::now(), false));
}

TEST_F(DeliveryTrackerTest, AStopWakesTheRestingLoop) {
    tracker_.sent();
    std::thread fatal_error([this] {
        std::this_thread::sleep_for(milliseconds(20));
        tracker_.stop_resending();
    });
    const auto started = Clock::now();
    EXPECT_TRUE(tracker_.rest_until(Clock::now() + std::chrono::seconds(30), true));
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(20));
    fatal_error.join();
}

}  // namespace
}  // namespace orderflow::producer
