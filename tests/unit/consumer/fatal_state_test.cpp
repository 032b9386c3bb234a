#include "consumer/fatal_state.h"

#include <gtest/gtest.h>

#include <thread>

namespace orderflow::consumer {
namespace {

TEST(FatalState, RunningUntilStopped) {
    FatalState state;
    EXPECT_FALSE(state.stopped());
    EXPECT_EQ(state.why(), "");
    state.stop("producer fenced");
    EXPECT_TRUE(state.stopped());
    EXPECT_EQ(state.why(), "producer fenced");
}

TEST(FatalState, TheFirstReasonStays) {
    FatalState state;
    state.stop("kafka fatal error: broker says no");
    state.stop("dead-letter queue unusable");
    EXPECT_EQ(state.why(), "kafka fatal error: broker says no");
}

TEST(FatalState, AnEmptyReasonStillStops) {
    FatalState state;
    state.stop("");
    EXPECT_TRUE(state.stopped());
    state.stop("later");
    EXPECT_EQ(state.why(), "");
}

TEST(FatalState, SeenFromAnotherThread) {
    FatalState state;
    std::thread librdkafka([&state] { state.stop("from a callback"); });
    librdkafka.join();
    EXPECT_TRUE(state.stopped());
    EXPECT_EQ(state.why(), "from a callback");
}

}  // namespace
}  // namespace orderflow::consumer
