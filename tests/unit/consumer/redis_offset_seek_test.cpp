#include "consumer/redis_offset_seek.h"

#include "redis/connection.h"

#include <gtest/gtest.h>

namespace orderflow::consumer {
namespace {

// Redis as a map of marks: a write applies each entry's offset as its partition's mark, as the
// store's script does; `down` makes writes and reads fail like a Redis that is away.
class FakeRedis : public OrderSink {
public:
    std::vector<redis::WriteOutcome> write(const std::vector<redis::StoreEntry>& entries) override {
        if (down) {
            throw redis::RedisError("redis 127.0.0.1:1/0: connection refused");
        }
        ++writes;
        for (const auto& entry : entries) {
            marks[entry.topic + ":" + std::to_string(entry.partition)] = entry.offset;
        }
        return std::vector<redis::WriteOutcome>(entries.size(), redis::WriteOutcome::kApplied);
    }
    std::map<std::string, std::int64_t> read(const std::set<TopicPartition>& asked) {
        ++reads;
        last_asked = asked;
        if (down) {
            throw redis::RedisError("redis 127.0.0.1:1/0: connection refused");
        }
        return marks;
    }
    std::map<std::string, std::int64_t> marks;
    bool down = false;
    int writes = 0;
    int reads = 0;
    std::set<TopicPartition> last_asked;  // the partitions whose marks the last read wanted
};

std::vector<redis::StoreEntry> entries(std::int32_t partition, std::int64_t from, int count) {
    std::vector<redis::StoreEntry> out;
    for (int i = 0; i < count; ++i) {
        out.push_back({"orders", partition, from + i, std::nullopt});
    }
    return out;
}

struct RedisOffsetSeekTest : ::testing::Test {
    FakeRedis redis;
    RedisOffsetSeek seek{
        redis, [this](const std::set<TopicPartition>& asked) { return redis.read(asked); }, "g"};
};

TEST_F(RedisOffsetSeekTest, AnIntactRedisIsReadOncePerAssignmentAndNeverRewound) {
    redis.marks = {{"orders:0", 9}, {"orders:1", 4}};
    seek.assigned({{"orders", 0}, {"orders", 1}});
    seek.write(entries(0, 10, 3));  // committed 10: Redis holds 9
    seek.write(entries(1, 5, 3));
    seek.write(entries(0, 13, 3));
    EXPECT_EQ(redis.reads, 2);  // each partition's first write only
    EXPECT_EQ(redis.last_asked, (std::set<TopicPartition>{{"orders", 1}}));  // its mark only
    EXPECT_EQ(redis.writes, 3);
    EXPECT_TRUE(seek.take_rewinds().empty());
}

TEST_F(RedisOffsetSeekTest, AnAssignmentAheadOfRedisRewindsToRedisOffsetPlusOne) {
    redis.marks = {{"orders:0", 5}};
    seek.assigned({{"orders", 0}});
    EXPECT_THROW(seek.write(entries(0, 10, 2)), RedisBehind);
    EXPECT_EQ(redis.writes, 0);
    EXPECT_EQ(seek.take_rewinds(), (CommitOffsets{{{"orders", 0}, 6}}));
    EXPECT_TRUE(seek.take_rewinds().empty());  // taken once
    seek.write(entries(0, 6, 2));              // the lost tail, re-applied without a check
    EXPECT_EQ(redis.writes, 1);
}

TEST_F(RedisOffsetSeekTest, APartitionRedisNeverSawIsReadFromTheBeginning) {
    seek.assigned({{"orders", 3}});
    EXPECT_THROW(seek.write(entries(3, 40, 1)), RedisBehind);
    EXPECT_EQ(seek.take_rewinds(), (CommitOffsets{{{"orders", 3}, kFromBeginning}}));
}

TEST_F(RedisOffsetSeekTest, AFreshPartitionStartingAtZeroNeedsNoRewind) {
    seek.assigned({{"orders", 2}});
    seek.write(entries(2, 0, 3));
    EXPECT_TRUE(seek.take_rewinds().empty());
    EXPECT_EQ(redis.writes, 1);
}

// Redis goes away and comes back as an older copy: before the first write after the failure
// every partition this consumer wrote is compared with what it wrote last, also partitions
// the batch does not touch.
TEST_F(RedisOffsetSeekTest, AfterAFailedWriteAnOlderRedisIsNoticedBeforeAnythingIsWritten) {
    seek.assigned({{"orders", 0}, {"orders", 1}});
    seek.write(entries(0, 0, 20));
    seek.write(entries(1, 0, 20));
    const auto older = redis.marks;
    seek.write(entries(0, 20, 10));
    seek.write(entries(1, 20, 10));
    redis.down = true;
    EXPECT_THROW(seek.write(entries(0, 30, 5)), redis::RedisError);
    EXPECT_THROW(seek.write(entries(0, 30, 5)), redis::RedisError);  // the check fails too
    redis.down = false;
    redis.marks = older;  // restored: offsets 20..29 of both partitions are gone
    EXPECT_THROW(seek.write(entries(0, 30, 5)), RedisBehind);
    EXPECT_EQ(seek.take_rewinds(), (CommitOffsets{{{"orders", 0}, 20}, {{"orders", 1}, 20}}));
    const auto writes = redis.writes;
    seek.write(entries(0, 20, 15));  // re-applied
    EXPECT_EQ(redis.writes, writes + 1);
}

TEST_F(RedisOffsetSeekTest, AfterAFailedWriteAnIntactRedisIsCheckedOnceAndWritten) {
    seek.assigned({{"orders", 0}});
    seek.write(entries(0, 0, 10));
    redis.down = true;
    EXPECT_THROW(seek.write(entries(0, 10, 5)), redis::RedisError);
    redis.down = false;
    const auto reads = redis.reads;
    seek.write(entries(0, 10, 5));
    seek.write(entries(0, 15, 5));
    EXPECT_EQ(redis.reads, reads + 1);
    EXPECT_TRUE(seek.take_rewinds().empty());
}

TEST_F(RedisOffsetSeekTest, ASeekThatDidNotHappenIsFoundAgainAtTheNextWrite) {
    redis.marks = {{"orders:0", 5}};
    seek.assigned({{"orders", 0}});
    EXPECT_THROW(seek.write(entries(0, 10, 1)), RedisBehind);
    seek.take_rewinds();
    seek.recheck({{"orders", 0}});
    EXPECT_THROW(seek.write(entries(0, 11, 1)), RedisBehind);
    EXPECT_EQ(seek.take_rewinds(), (CommitOffsets{{{"orders", 0}, 6}}));
}

// At assignment (nothing new may ever come to read): committed offsets ahead of Redis's marks
// are where the consumer starts instead; those partitions need no check at their first write.
TEST_F(RedisOffsetSeekTest, AtAssignmentCommittedOffsetsAheadOfRedisStartAtRedis) {
    redis.marks = {{"orders:0", 9}, {"orders:1", 3}};
    const std::set<TopicPartition> partitions = {
        {"orders", 0}, {"orders", 1}, {"orders", 2}, {"orders", 3}};
    seek.assigned(partitions);
    const auto starts = seek.starts_behind(
        {{{"orders", 0}, 10}, {{"orders", 1}, 20}, {{"orders", 2}, 7}, {{"orders", 3}, -1001}});
    EXPECT_EQ(starts, (CommitOffsets{{{"orders", 1}, 4}, {{"orders", 2}, kFromBeginning}}));
    const auto reads = redis.reads;
    seek.write(entries(1, 4, 2));
    seek.write(entries(0, 10, 2));
    EXPECT_EQ(redis.reads, reads);
}

TEST_F(RedisOffsetSeekTest, AtAssignmentWithRedisAwayTheFirstWritesCheck) {
    seek.assigned({{"orders", 0}});
    redis.down = true;
    EXPECT_THROW(seek.starts_behind({{{"orders", 0}, 10}}), redis::RedisError);
    redis.down = false;
    redis.marks = {{"orders:0", 5}};
    EXPECT_THROW(seek.write(entries(0, 10, 1)), RedisBehind);
    EXPECT_EQ(seek.take_rewinds(), (CommitOffsets{{{"orders", 0}, 6}}));
}

TEST(DropPartitions, KeepsTheOthersInOrder) {
    std::vector<InboundMessage> batch(4);
    for (int i = 0; i < 4; ++i) {
        batch[i].topic = "orders";
        batch[i].partition = i % 2;
        batch[i].offset = i;
    }
    drop_partitions(batch, {{"orders", 1}});
    ASSERT_EQ(batch.size(), 2U);
    EXPECT_EQ(batch[0].offset, 0);
    EXPECT_EQ(batch[1].offset, 2);
}

// The watch found Redis emptied under a live connection: what was committed and what this
// consumer wrote since are both read again; what Redis still holds is not.
TEST_F(RedisOffsetSeekTest, ALossUnderALiveConnectionRewindsWhatRedisNoLongerHolds) {
    seek.assigned({{"orders", 0}, {"orders", 1}, {"orders", 2}});
    seek.starts_behind({{{"orders", 0}, 0}, {{"orders", 1}, 0}, {{"orders", 2}, 0}});
    seek.write(entries(0, 0, 5));
    seek.write(entries(1, 0, 5));
    redis.marks = {{"orders:1", 4}};  // partition 0 lost, partition 1 intact
    seek.redis_lost({{{"orders", 0}, 3}, {{"orders", 1}, 5}, {{"orders", 2}, -1001}});
    EXPECT_EQ(seek.take_rewinds(), (CommitOffsets{{{"orders", 0}, kFromBeginning}}));

    redis.marks = {{"orders:0", 1}, {"orders:1", 4}};  // an older copy: 0 holds up to 1
    seek.write(entries(0, 0, 5));
    redis.marks["orders:0"] = 1;
    seek.redis_lost({{{"orders", 0}, 3}});
    EXPECT_EQ(seek.take_rewinds(), (CommitOffsets{{{"orders", 0}, 2}}));
}

TEST_F(RedisOffsetSeekTest, ALossWhileRedisIsAwayIsReportedToTheCaller) {
    redis.down = true;
    EXPECT_THROW(seek.redis_lost({{{"orders", 0}, 3}}), redis::RedisError);
    EXPECT_TRUE(seek.take_rewinds().empty());
}

}  // namespace
}  // namespace orderflow::consumer
