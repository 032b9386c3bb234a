#include "common/settings.h"
#include "consumer/redis_watch.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

namespace orderflow::consumer {
namespace {

using std::chrono::milliseconds;

TEST(RedisWatchMarker, ReportsTheMarkerGoneOnceUntilRearmed) {
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url));
    const auto group = test::unique_name("watch");
    RedisWatch watch(redis, group, milliseconds(0), milliseconds(60'000));
    const auto now = RedisWatch::Clock::now();
    EXPECT_FALSE(watch.lost(now));  // arms
    EXPECT_EQ(watch.key().rfind("watch:" + group + ":", 0), 0U) << watch.key();
    EXPECT_GT(redis.command({"PTTL", watch.key()}).integer, 0);
    EXPECT_FALSE(watch.lost(now));

    redis.command({"DEL", watch.key()});  // what a FLUSHALL does to it
    EXPECT_TRUE(watch.lost(now));
    EXPECT_TRUE(watch.lost(now));  // stays lost until dealt with
    watch.arm();
    EXPECT_FALSE(watch.lost(now));
    redis.command({"DEL", watch.key()});
}

TEST(RedisWatchMarker, AsksRedisAtMostOncePerInterval) {
    redis::Connection redis(redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url));
    RedisWatch watch(redis, test::unique_name("watch"), milliseconds(60'000));
    const auto start = RedisWatch::Clock::now();
    EXPECT_FALSE(watch.lost(start));
    redis.command({"DEL", watch.key()});
    EXPECT_FALSE(watch.lost(start + milliseconds(59'000)));  // not due: Redis not asked
    EXPECT_TRUE(watch.lost(start + milliseconds(60'000)));
}

}  // namespace
}  // namespace orderflow::consumer
