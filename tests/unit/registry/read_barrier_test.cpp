// ReadBarrier with a check under the test's control: which check answers which request, what a
// failing check answers, and the bound on waiting requests.
#include "registry/read_barrier.h"

#include "support/gated_step.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>

namespace orderflow::registry {
namespace {

using namespace std::chrono_literals;

using test::GatedStep;

/// The barrier's check as a GatedStep.
ReadBarrier::Check gated(GatedStep& step) {
    return [&step](ReadBarrier::Clock::time_point) { step(); };
}

void fail() {
    throw errors::operation_timeout("Kafka is away");
}

ReadBarrierOptions quick(std::size_t max_waiting = 16) {
    ReadBarrierOptions options;
    options.min_interval = 0ms;
    options.max_waiting = max_waiting;
    return options;
}

using Outcome = std::optional<ApiError>;

TEST(ReadBarrierTest, ARequestArrivingDuringACheckWaitsForTheNextOne) {
    GatedStep check;
    ReadBarrier barrier(gated(check), quick());
    std::promise<Outcome> first;
    std::promise<Outcome> second;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { first.set_value(o); }));
    ASSERT_TRUE(check.wait_started(1));
    // The first check started before this request: it must not answer it.
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { second.set_value(o); }));
    auto second_answer = second.get_future();
    check.release();
    EXPECT_FALSE(first.get_future().get().has_value());
    EXPECT_EQ(second_answer.wait_for(200ms), std::future_status::timeout);
    ASSERT_TRUE(check.wait_started(2));
    check.release();
    EXPECT_FALSE(second_answer.get().has_value());
    EXPECT_EQ(barrier.checks(), 2U);
}

TEST(ReadBarrierTest, RequestsQueuedTogetherShareOneCheck) {
    GatedStep check;
    ReadBarrier barrier(gated(check), quick());
    std::promise<Outcome> blocker;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { blocker.set_value(o); }));
    ASSERT_TRUE(check.wait_started(1));
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
    check.release();
    ASSERT_TRUE(check.wait_started(2));
    check.release();
    all.get_future().get();
    EXPECT_EQ(barrier.checks(), 2U);
}

TEST(ReadBarrierTest, AFailedCheckAnswersItsRequestsWithItsError) {
    GatedStep check;
    ReadBarrier barrier(gated(check), quick());
    std::promise<Outcome> answer;
    ASSERT_TRUE(barrier.after_next_check([&](const Outcome& o) { answer.set_value(o); }));
    check.release(fail);
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
    GatedStep check;
    ReadBarrier barrier(gated(check), quick(2));
    ASSERT_TRUE(barrier.after_next_check([](const Outcome&) {}));
    ASSERT_TRUE(check.wait_started(1));  // that one left the queue
    EXPECT_TRUE(barrier.after_next_check([](const Outcome&) {}));
    EXPECT_TRUE(barrier.after_next_check([](const Outcome&) {}));
    EXPECT_FALSE(barrier.after_next_check([](const Outcome&) {}));
    check.release();
    ASSERT_TRUE(check.wait_started(2));
    EXPECT_TRUE(barrier.after_next_check([](const Outcome&) {}));  // room again
    check.release();
    ASSERT_TRUE(check.wait_started(3));
    check.release();
}

TEST(ReadBarrierTest, StoppingAnswersWhatStillWaitsWith503) {
    GatedStep check;
    auto barrier = std::make_unique<ReadBarrier>(gated(check), quick(100000));
    ASSERT_TRUE(barrier->after_next_check([](const Outcome&) {}));
    ASSERT_TRUE(check.wait_started(1));
    std::promise<Outcome> waiting;
    ASSERT_TRUE(barrier->after_next_check([&](const Outcome& o) { waiting.set_value(o); }));
    std::thread stopper([&] { barrier->stop(); });
    // Once a request is refused the barrier is stopping; only then may the running check end.
    while (barrier->after_next_check([](const Outcome&) {})) {
        std::this_thread::sleep_for(1ms);
    }
    check.release();
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
