#include "common/settings.h"
#include "consumer/redis_watch.h"
#include "redis/connection.h"
#include "redis/key_names.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

namespace orderflow::consumer {
namespace {

using std::chrono::milliseconds;

const std::set<TopicPartition> kAssigned = {{"orders", 0}, {"orders", 3}};

TEST(RedisWatchMarker, ReportsAMarkerGoneOnceUntilRearmed) {
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url));
    const auto group = test::unique_name("watch");
    RedisWatch watch(redis, group, milliseconds(0), milliseconds(60'000));
    const auto now = RedisWatch::Clock::now();
    EXPECT_FALSE(watch.lost(now, kAssigned));  // arms one marker per partition
    for (const auto partition : {0, 3}) {
        const auto key = watch.key(partition);
        EXPECT_EQ(key.rfind("watch:" + redis::partition_tag(group, partition) + ":", 0), 0U) << key;
        EXPECT_GT(redis.command({"PTTL", key}).integer, 0) << key;
    }
    EXPECT_FALSE(watch.lost(now, kAssigned));

    redis.command({"DEL", watch.key(3)});  // what a FLUSHALL of that partition's node does
    EXPECT_TRUE(watch.lost(now, kAssigned));
    EXPECT_TRUE(watch.lost(now, kAssigned));  // stays lost until dealt with
    watch.arm(kAssigned);
    EXPECT_FALSE(watch.lost(now, kAssigned));

    // A partition newly assigned gets its marker: not a loss.
    EXPECT_FALSE(watch.lost(now, {{"orders", 0}, {"orders", 3}, {"orders", 4}}));
    EXPECT_GT(redis.command({"PTTL", watch.key(4)}).integer, 0);
    for (const auto partition : {0, 3, 4}) {
        redis.command({"DEL", watch.key(partition)});
    }
}

TEST(RedisWatchMarker, AsksRedisAtMostOncePerInterval) {
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url));
    RedisWatch watch(redis, test::unique_name("watch"), milliseconds(60'000));
    const auto start = RedisWatch::Clock::now();
    EXPECT_FALSE(watch.lost(start, kAssigned));
    redis.command({"DEL", watch.key(0)});
    EXPECT_FALSE(watch.lost(start + milliseconds(59'000), kAssigned));  // not due: not asked
    EXPECT_TRUE(watch.lost(start + milliseconds(60'000), kAssigned));
}

}  // namespace
}  // namespace orderflow::consumer
