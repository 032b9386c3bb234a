#include "consumer/commit_policy.h"

#include <gtest/gtest.h>

#include <deque>

namespace orderflow::consumer {
namespace {

using Clock = CommitPolicy::Clock;
using std::chrono::milliseconds;

// librdkafka's side as a script: commits are recorded; answers are released by the test.
class FakeCommitter : public OffsetCommitter {
public:
    std::string store(const CommitOffsets& offsets) override {
        stored.push_back(offsets);
        return store_error;
    }
    std::string commit_async(const CommitOffsets& offsets, std::uint64_t tag) override {
        if (!send_error.empty()) {
            return send_error;
        }
        sent.push_back({tag, offsets});
        if (auto_answer) {
            answer(tag, auto_error);
        }
        return "";
    }
    std::optional<CommitReply> poll(milliseconds /*wait*/) override {
        if (answers.empty()) {
            return std::nullopt;
        }
        auto reply = answers.front();
        answers.pop_front();
        return reply;
    }
    void answer(std::uint64_t tag, const std::string& error = "") {
        answers.push_back({tag, error, {}});
    }
    struct Sent {
        std::uint64_t tag;
        CommitOffsets offsets;
    };
    std::vector<CommitOffsets> stored;
    std::vector<Sent> sent;
    std::deque<CommitReply> answers;
    std::string store_error;
    std::string send_error;
    bool auto_answer = false;  // answer every commit at once
    std::string auto_error;
};

const TopicPartition kP0{"orders", 0};
const TopicPartition kP1{"orders", 1};

InboundMessage inbound(std::int32_t partition, std::int64_t offset) {
    return {"orders", partition, offset, std::nullopt, "v", 1};
}

BatchCommitPolicy::Limits limits(std::size_t in_flight = 4) {
    BatchCommitPolicy::Limits l;
    l.batch_size = 10;
    l.commit_timeout = milliseconds(1000);
    l.max_in_flight = in_flight;
    l.max_backoff = milliseconds(400);
    return l;
}

TEST(BatchCommitPolicy, ABatchIsExactlyBatchSizeWithoutATimeout) {
    BatchCommitPolicy policy(limits());
    auto held = policy.make_accumulator();
    const auto start = Clock::now();
    for (int i = 0; i < 9; ++i) {
        held.add(inbound(0, i), start);
    }
    // An hour later, nine messages are still not a batch: only the tenth makes one.
    EXPECT_FALSE(policy.ready(held, true, start + std::chrono::hours(1)));
    EXPECT_FALSE(policy.wake_at(held).has_value());
    held.add(inbound(0, 9), start);
    // A whole batch: the loop stops waiting and writes it once nothing more is fetched.
    const auto wake = policy.wake_at(held);
    ASSERT_TRUE(wake.has_value());
    EXPECT_LE(*wake, Clock::now());
    EXPECT_TRUE(policy.ready(held, true, start));
    EXPECT_EQ(policy.writable(held, start), 10U);
    EXPECT_EQ(policy.batches_in(10), 1U);
}

TEST(BatchCommitPolicy, WholeBatchesAlreadyFetchedGoInOneWriteAndAPartialOneWaits) {
    BatchCommitPolicy policy(limits());
    auto held = policy.make_accumulator();
    const auto start = Clock::now();
    for (int i = 0; i < 27; ++i) {
        held.add(inbound(i % 2, i), start);
    }
    EXPECT_FALSE(policy.ready(held, false, start));  // more may be fetched: take it first
    EXPECT_TRUE(policy.ready(held, true, start));
    EXPECT_EQ(policy.writable(held, start), 20U);  // two whole batches; 7 wait for 3 more
    EXPECT_EQ(policy.batches_in(20), 2U);
    const auto written = held.take(policy.writable(held, start));
    EXPECT_EQ(written.size(), 20U);
    EXPECT_EQ(written.back().offset, 19);
    EXPECT_EQ(held.size(), 7U);
    EXPECT_FALSE(policy.ready(held, true, start + std::chrono::hours(1)));
    EXPECT_FALSE(policy.wake_at(held).has_value());
}

TEST(BatchCommitPolicy, AWriteHoldsAtMostMaxWriteInWholeBatches) {
    auto l = limits();
    l.max_write = 45;  // rounded down to whole batches: 40
    BatchCommitPolicy policy(l);
    auto held = policy.make_accumulator();
    const auto start = Clock::now();
    for (int i = 0; i < 39; ++i) {
        held.add(inbound(0, i), start);
    }
    EXPECT_FALSE(policy.ready(held, false, start));
    held.add(inbound(0, 39), start);
    EXPECT_TRUE(policy.ready(held, false, start));  // full: written without asking for more
    EXPECT_EQ(policy.writable(held, start), 40U);
}

TEST(BatchCommitPolicy, BatchTimeoutIsOptIn) {
    auto l = limits();
    l.batch_timeout = milliseconds(500);
    BatchCommitPolicy policy(l);
    auto held = policy.make_accumulator();
    const auto start = Clock::now();
    held.add(inbound(0, 0), start);
    EXPECT_FALSE(policy.ready(held, true, start + milliseconds(499)));
    EXPECT_TRUE(policy.ready(held, true, start + milliseconds(500)));
    EXPECT_EQ(policy.wake_at(held), start + milliseconds(500));
    EXPECT_EQ(policy.writable(held, start + milliseconds(500)), 1U);  // the partial one too
}

TEST(BatchCommitPolicy, AWrittenBatchIsCommittedAndCounted) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    const auto now = Clock::now();
    policy.written({{kP0, 10}}, 10, kafka, now);
    ASSERT_EQ(kafka.sent.size(), 1U);
    EXPECT_EQ(kafka.sent[0].offsets, (CommitOffsets{{kP0, 10}}));
    EXPECT_EQ(policy.status().uncommitted_partitions, 1U);
    kafka.answer(kafka.sent[0].tag);
    policy.service(kafka, now);
    EXPECT_EQ(policy.committed(kP0), 10);
    EXPECT_EQ(policy.counters().commits, 1);
    EXPECT_EQ(policy.counters().committed_messages, 10);
    EXPECT_EQ(policy.status().uncommitted_partitions, 0U);
    EXPECT_FALSE(policy.status().uncommitted_since);
}

TEST(BatchCommitPolicy, AFailedCommitIsSentAgainWithoutNewMessages) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    auto now = Clock::now();
    policy.written({{kP0, 10}}, 10, kafka, now);
    kafka.answer(kafka.sent[0].tag, "COORDINATOR_NOT_AVAILABLE");
    policy.service(kafka, now);
    EXPECT_EQ(policy.counters().failures, 1);
    EXPECT_EQ(kafka.sent.size(), 1U);  // backing off
    EXPECT_EQ(policy.status().uncommitted_since, now);
    // No further traffic on the partition: the loop's turns alone commit it again.
    now += milliseconds(100);
    policy.service(kafka, now);
    ASSERT_EQ(kafka.sent.size(), 2U);
    EXPECT_EQ(kafka.sent[1].offsets, (CommitOffsets{{kP0, 10}}));
    kafka.answer(kafka.sent[1].tag);
    policy.service(kafka, now);
    EXPECT_EQ(policy.committed(kP0), 10);
    EXPECT_EQ(policy.counters().committed_messages, 10);  // counted once, by the success
}

TEST(BatchCommitPolicy, APartitionErrorFailsOnlyThatPartition) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    auto now = Clock::now();
    policy.written({{kP0, 5}, {kP1, 7}}, 10, kafka, now);
    kafka.answers.push_back({kafka.sent[0].tag, "", {{kP1, "REBALANCE_IN_PROGRESS"}}});
    policy.service(kafka, now);
    EXPECT_EQ(policy.committed(kP0), 5);
    EXPECT_FALSE(policy.committed(kP1));
    now += milliseconds(100);
    policy.service(kafka, now);
    ASSERT_EQ(kafka.sent.size(), 2U);
    EXPECT_EQ(kafka.sent[1].offsets, (CommitOffsets{{kP1, 7}}));
}

TEST(BatchCommitPolicy, AnUnansweredCommitTimesOutAndALateSuccessStillCounts) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    auto now = Clock::now();
    policy.written({{kP0, 10}}, 10, kafka, now);
    now += milliseconds(1000);  // COMMIT_TIMEOUT
    policy.service(kafka, now);
    EXPECT_EQ(policy.counters().failures, 1);
    EXPECT_EQ(policy.status().in_flight, 0U);
    EXPECT_EQ(policy.status().uncommitted_partitions, 1U);
    now += milliseconds(100);
    policy.service(kafka, now);
    ASSERT_EQ(kafka.sent.size(), 2U);  // sent again
    kafka.answer(kafka.sent[0].tag);   // the first one answers after all
    policy.service(kafka, now);
    EXPECT_EQ(policy.committed(kP0), 10);
    EXPECT_EQ(policy.status().uncommitted_partitions, 0U);
}

// librdkafka holds a commit back while no coordinator is known and sends it after newer
// ones: its late success is the broker's offset now, so what the newer one covered is due.
TEST(BatchCommitPolicy, ALateSuccessBelowAnEarlierOneMakesTheRestDueAgain) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    auto now = Clock::now();
    policy.written({{kP0, 10}, {kP1, 4}}, 10, kafka, now);
    now += milliseconds(1000);  // COMMIT_TIMEOUT: the first commit is given up on
    policy.service(kafka, now);
    policy.written({{kP0, 20}}, 10, kafka, now + milliseconds(100));
    ASSERT_EQ(kafka.sent.size(), 2U);
    EXPECT_EQ(kafka.sent[1].offsets, (CommitOffsets{{kP0, 20}, {kP1, 4}}));
    kafka.answer(kafka.sent[1].tag);
    kafka.answer(kafka.sent[0].tag);  // the held-back one, applied last
    now += milliseconds(200);
    policy.service(kafka, now);
    EXPECT_EQ(policy.committed(kP0), 10) << "the late answer set it back";
    ASSERT_EQ(kafka.sent.size(), 3U);
    EXPECT_EQ(kafka.sent[2].offsets, (CommitOffsets{{kP0, 20}})) << "kP1's 4 was not lowered";
    EXPECT_EQ(policy.status().uncommitted_partitions, 1U);
    kafka.answer(kafka.sent[2].tag);
    policy.service(kafka, now);
    EXPECT_EQ(policy.committed(kP0), 20);
    EXPECT_EQ(policy.status().uncommitted_partitions, 0U);
}

TEST(BatchCommitPolicy, CommitsInFlightAreBoundedAndTheNextCoversEverythingWritten) {
    BatchCommitPolicy policy(limits(2));
    FakeCommitter kafka;
    const auto now = Clock::now();
    policy.written({{kP0, 10}}, 10, kafka, now);
    policy.written({{kP0, 20}}, 10, kafka, now);
    policy.written({{kP0, 30}}, 10, kafka, now);  // two in flight: this one waits
    policy.written({{kP1, 5}}, 10, kafka, now);
    ASSERT_EQ(kafka.sent.size(), 2U);
    EXPECT_EQ(policy.status().in_flight, 2U);
    kafka.answer(kafka.sent[0].tag);
    policy.service(kafka, now);
    ASSERT_EQ(kafka.sent.size(), 3U);
    EXPECT_EQ(kafka.sent[2].offsets, (CommitOffsets{{kP0, 30}, {kP1, 5}}));
    kafka.answer(kafka.sent[1].tag);
    kafka.answer(kafka.sent[2].tag);
    policy.service(kafka, now);
    EXPECT_EQ(policy.committed(kP0), 30);
    EXPECT_EQ(policy.committed(kP1), 5);
    EXPECT_EQ(policy.counters().commits, 3);
    EXPECT_EQ(policy.counters().committed_messages, 40);
}

TEST(BatchCommitPolicy, RevokeWaitsForTheCommitThenForgetsThePartitions) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    const auto now = Clock::now();
    policy.written({{kP0, 10}, {kP1, 3}}, 10, kafka, now);
    kafka.auto_answer = true;  // in flight already; the next ones answer at once
    kafka.answer(kafka.sent[0].tag, "NOT_COORDINATOR");
    EXPECT_TRUE(policy.revoke({kP0, kP1}, false, kafka, Clock::now() + milliseconds(2000)));
    EXPECT_EQ(kafka.sent.size(), 2U);  // sent again after the failure, and answered
    EXPECT_EQ(policy.status().uncommitted_partitions, 0U);
    EXPECT_FALSE(policy.committed(kP0));  // forgotten: someone else owns it now
}

TEST(BatchCommitPolicy, RevokeOfALostAssignmentCommitsNothing) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    kafka.send_error = "";
    policy.written({{kP0, 10}}, 10, kafka, Clock::now());
    EXPECT_FALSE(policy.revoke({kP0}, true, kafka, Clock::now() + milliseconds(2000)));
    EXPECT_EQ(kafka.sent.size(), 1U);
    EXPECT_EQ(policy.status().in_flight, 0U);
}

TEST(BatchCommitPolicy, FinishGivesUpAtTheDeadlineWhenNoAnswerComes) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    policy.written({{kP0, 10}}, 10, kafka, Clock::now());
    const auto deadline = Clock::now() + milliseconds(300);
    EXPECT_FALSE(policy.finish(kafka, deadline));
    EXPECT_GE(Clock::now(), deadline);
    EXPECT_EQ(policy.status().uncommitted_partitions, 1U);
}

TEST(BatchCommitPolicy, ACommitThatCannotBeSentIsRetried) {
    BatchCommitPolicy policy(limits());
    FakeCommitter kafka;
    auto now = Clock::now();
    kafka.send_error = "Local: Erroneous state";
    policy.written({{kP0, 10}}, 10, kafka, now);
    EXPECT_EQ(policy.counters().failures, 1);
    kafka.send_error.clear();
    now += milliseconds(100);
    policy.service(kafka, now);
    EXPECT_EQ(kafka.sent.size(), 1U);
}

TEST(AutoCommitPolicy, StoresOffsetsAfterTheWriteAndTakesWhatIsFetched) {
    AutoCommitPolicy policy(500);
    FakeCommitter kafka;
    auto held = policy.make_accumulator();
    const auto now = Clock::now();
    held.add(inbound(0, 0), now);
    EXPECT_FALSE(policy.ready(held, false, now));  // more may be fetched already
    EXPECT_TRUE(policy.ready(held, true, now));    // nothing more: write what there is
    policy.written({{kP0, 1}}, 1, kafka, now);
    EXPECT_EQ(kafka.stored, (std::vector<CommitOffsets>{{{kP0, 1}}}));
    EXPECT_TRUE(kafka.sent.empty());
    kafka.store_error = "Local: Erroneous state";
    policy.written({{kP0, 2}}, 1, kafka, now);
    EXPECT_EQ(policy.counters().commits, 1);
    EXPECT_EQ(policy.counters().failures, 1);
}

}  // namespace
}  // namespace orderflow::consumer
