// REDIS_URL naming a cluster's seed nodes (libs/redis/redis_url.h): what it reads, and every bad
// setting stops with a message naming REDIS_URL and never the password.

#include "common/config_error.h"
#include "redis/redis_url.h"

#include <gtest/gtest.h>

namespace orderflow::redis {
namespace {

std::string error_of(const std::string& text) {
    try {
        parse_redis_cluster_url("REDIS_URL", text);
    } catch (const common::ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ParseRedisClusterUrl, ReadsEverySeedWithTheCredentials) {
    const auto seeds = parse_redis_cluster_url(
        "REDIS_URL", "redis-cluster://app:p%40ss@10.0.0.1:7001,node-2:7002,node-3/0");
    ASSERT_EQ(seeds.size(), 3U);
    EXPECT_EQ(seeds[0].host, "10.0.0.1");
    EXPECT_EQ(seeds[0].port, 7001);
    EXPECT_EQ(seeds[1].host, "node-2");
    EXPECT_EQ(seeds[1].port, 7002);
    EXPECT_EQ(seeds[2].host, "node-3");
    EXPECT_EQ(seeds[2].port, 6379);
    for (const auto& seed : seeds) {
        EXPECT_EQ(seed.user, "app");
        EXPECT_EQ(seed.password, "p@ss");
        EXPECT_EQ(seed.database, 0);
    }
    const auto bare = parse_redis_cluster_url("REDIS_URL", "redis-cluster://127.0.0.1:7001");
    ASSERT_EQ(bare.size(), 1U);
    EXPECT_TRUE(bare[0].password.empty());
    EXPECT_TRUE(is_redis_cluster_url("redis-cluster://h:1"));
    EXPECT_FALSE(is_redis_cluster_url("redis://h:1"));
}

TEST(ParseRedisClusterUrl, StopsOnABadSeedNamingTheSetting) {
    for (const char* text :
         {"redis://h:7001,h:7002", "redis-cluster://", "redis-cluster://h:7001,",
          "redis-cluster://h:7001,,h:7002", "redis-cluster://,h:7001", "redis-cluster://h:0",
          "redis-cluster://h:70000", "redis-cluster://h:x", "redis-cluster://:7001",
          "redis-cluster://h:7001,h:7001", "redis-cluster://h 1:7001", "redis-cluster://h:7001/1",
          "redis-cluster://h:7001/x", "redis-cluster://user@h:7001"}) {
        const auto message = error_of(text);
        EXPECT_EQ(message.rfind("REDIS_URL: ", 0), 0U) << text << " -> " << message;
    }
    std::string many = "redis-cluster://";
    for (int i = 1; i <= 65; ++i) {
        many += (i > 1 ? "," : "") + std::string("h:") + std::to_string(i);
    }
    EXPECT_NE(error_of(many).find("more than 64"), std::string::npos);
}

TEST(ParseRedisClusterUrl, NeverPrintsThePassword) {
    for (const char* text :
         {"redis-cluster://u:S3cretPw@h:7001,h:bad", "redis-cluster://u:S3cretPw@h:7001/2",
          "redis-cluster://u:S3cretPw@:7001", "redis-cluster://u:S3cretPw%zz@h:7001"}) {
        const auto message = error_of(text);
        EXPECT_FALSE(message.empty()) << text;
        EXPECT_EQ(message.find("S3cretPw"), std::string::npos) << message;
    }
}

TEST(SingleRedisUrl, SaysAClusterUrlIsNotForIt) {
    try {
        parse_redis_url("REDIS_URL", "redis-cluster://u:S3cretPw@h:7001");
        FAIL() << "accepted";
    } catch (const common::ConfigError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("redis-cluster://"), std::string::npos) << message;
        EXPECT_EQ(message.find("S3cretPw"), std::string::npos) << message;
    }
}

TEST(SingleRedisUrl, RefusesAHostWithABlankAsTheClusterUrlDoes) {
    EXPECT_THROW(parse_redis_url("REDIS_URL", "redis://my host:6379/0"), common::ConfigError);
    EXPECT_THROW(parse_redis_url("REDIS_URL", "redis://host\t:6379/0"), common::ConfigError);
    EXPECT_EQ(parse_redis_url("REDIS_URL", "redis://my-host:6379/0").host, "my-host");
}

}  // namespace
}  // namespace orderflow::redis
