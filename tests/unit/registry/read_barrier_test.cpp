// ReadBarrier with a check under the test's control: which check answers which request, what a
// failing check answers, and the bound on waiting requests.
#include "registry/read_barrier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>

namespace orderflow::registry {
namespace {

using namespace std::chrono_literals;

/// A check that blocks until released, and counts how often it started.
class GatedCheck {
public:
    void operator()(ReadBarrier::Clock::time_point /*deadline*/) {
        std::unique_lock lock(mutex_);
        ++started_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return released_ >= started_; });
        if (fail_) {
            throw errors::operation_timeout("Kafka is away");
        }
    }
    void release_one() {
        std::lock_guard lock(mutex_);
        ++released_;
        changed_.notify_all();
    }
    void wait_started(int n) {
        std::unique_lock lock(mutex_);
        ASSERT_TRUE(changed_.wait_for(lock, 10s, [&] { return started_ >= n; }));
    }
    void fail_from_now() {
        std::lock_guard lock(mutex_);
        fail_ = true;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int started_ = 0;
    int released_ = 0;
    bool fail_ = false;
};

ReadBarrierOptions quick(std::size_t max_waiting = 16) {
    ReadBarrierOptions options;
    options.min_interval = 0ms;
    options.max_waiting = max_waiting;
    return options;
}

using Outcome = std::optional<ApiError>;

TEST(ReadBarrierTest, ARequestArrivingDuringACheckWaitsForTheNextOne) {
    GatedCheck check;
    ReadBarrier barrier([&](auto deadline) { check(deadline); }, quick());
    std::promise<Outcome> first;
    std::promise<Outcome> second;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { first.set_value(o); }));
    check.wait_started(1);
    // The first check started before this request: it must not answer it.
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { second.set_value(o); }));
    auto second_answer = second.get_future();
    check.release_one();
    EXPECT_FALSE(first.get_future().get().has_value());
    EXPECT_EQ(second_answer.wait_for(200ms), std::future_status::timeout);
    check.wait_started(2);
    check.release_one();
    EXPECT_FALSE(second_answer.get().has_value());
    EXPECT_EQ(barrier.checks(), 2U);
}

TEST(ReadBarrierTest, RequestsQueuedTogetherShareOneCheck) {
    GatedCheck check;
    ReadBarrier barrier([&](auto deadline) { check(deadline); }, quick());
    std::promise<Outcome> blocker;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { blocker.set_value(o); }));
    check.wait_started(1);
    std::atomic<int> answered{0};
    std::promise<void> all;
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) {
            EXPECT_FALSE(o.has_value());
            if (++answered == 5) {
                all.set_value();
            }
        }));
    }
    check.release_one();
    check.wait_started(2);
    check.release_one();
    all.get_future().get();
    EXPECT_EQ(barrier.checks(), 2U);
}

TEST(ReadBarrierTest, AFailedCheckAnswersItsRequestsWithItsError) {
    GatedCheck check;
    check.fail_from_now();
    ReadBarrier barrier([&](auto deadline) { check(deadline); }, quick());
    std::promise<Outcome> answer;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { answer.set_value(o); }));
    check.release_one();
    const auto outcome = answer.get_future().get();
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->status(), 500);
    EXPECT_EQ(outcome->code(), 50002);
    EXPECT_NE(std::string(outcome->what()).find("Kafka is away"), std::string::npos);
}

TEST(ReadBarrierTest, AnyOtherExceptionFromTheCheckIsA5xxToo) {
    ReadBarrier barrier([](auto) { throw std::runtime_error("broker gone"); }, quick());
    std::promise<Outcome> answer;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { answer.set_value(o); }));
    const auto outcome = answer.get_future().get();
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->status(), 500);
}

TEST(ReadBarrierTest, PastMaxWaitingARequestIsRefusedAtOnce) {
    GatedCheck check;
    ReadBarrier barrier([&](auto deadline) { check(deadline); }, quick(2));
    ASSERT_TRUE(barrier.after_next_check([](const Outcome&) {}));
    check.wait_started(1);  // that one left the queue
    EXPECT_TRUE(barrier.after_next_check([](const Outcome&) {}));
    EXPECT_TRUE(barrier.after_next_check([](const Outcome&) {}));
    EXPECT_FALSE(barrier.after_next_check([](const Outcome&) {}));
    check.release_one();
    check.wait_started(2);
    EXPECT_TRUE(barrier.after_next_check([](const Outcome&) {}));  // room again
    check.release_one();
    check.wait_started(3);
    check.release_one();
}

TEST(ReadBarrierTest, StoppingAnswersWhatStillWaitsWith503) {
    GatedCheck check;
    auto barrier =
        std::make_unique<ReadBarrier>([&](auto deadline) { check(deadline); }, quick(100000));
    ASSERT_TRUE(barrier->after_next_check([](const Outcome&) {}));
    check.wait_started(1);
    std::promise<Outcome> waiting;
    ASSERT_TRUE(barrier->after_next_check([&](const Outcome& o) { waiting.set_value(o); }));
    std::thread stopper([&] { barrier->stop(); });
    // Once a request is refused the barrier is stopping; only then may the running check end.
    while (barrier->after_next_check([](const Outcome&) {})) {
        std::this_thread::sleep_for(1ms);
    }
    check.release_one();
    stopper.join();
    const auto outcome = waiting.get_future().get();
    ASSERT_TRUE(outcome.has_value());
    EXPECT_EQ(outcome->status(), 503);
    EXPECT_EQ(barrier->checks(), 1U);
}

TEST(ReadBarrierTest, ChecksStartNoMoreOftenThanTheMinimumInterval) {
    std::atomic<int> checks{0};
    ReadBarrierOptions options = quick();
    options.min_interval = 300ms;
    ReadBarrier barrier([&](auto) { ++checks; }, options);
    std::promise<void> first;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome&) { first.set_value(); }));
    first.get_future().get();
    std::promise<void> second;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome&) { second.set_value(); }));
    auto answered = second.get_future();
    // Not a timing assertion on speed: the second check must not run inside the interval.
    EXPECT_EQ(answered.wait_for(100ms), std::future_status::timeout);
    EXPECT_EQ(checks.load(), 1);
    answered.get();
    EXPECT_EQ(checks.load(), 2);
}

}  // namespace
}  // namespace orderflow::registry
