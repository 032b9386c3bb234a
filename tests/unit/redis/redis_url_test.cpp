#include "redis/redis_url.h"

#include "common/config_error.h"

#include <gtest/gtest.h>

namespace orderflow::redis {
namespace {

using common::ConfigError;

// The message of the ConfigError `text` raises; "" when it parses.
std::string error_of(const std::string& text) {
    try {
        parse_redis_url("REDIS_URL", text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ParseRedisUrl, ReadsHostPortAndDatabase) {
    const auto full = parse_redis_url("REDIS_URL", "redis://10.0.0.5:6380/3");
    EXPECT_EQ(full.host, "10.0.0.5");
    EXPECT_EQ(full.port, 6380);
    EXPECT_EQ(full.database, 3);
    EXPECT_TRUE(full.user.empty());
    EXPECT_TRUE(full.password.empty());
    const auto bare = parse_redis_url("REDIS_URL", "redis://localhost");
    EXPECT_EQ(bare.host, "localhost");
    EXPECT_EQ(bare.port, 6379);
    EXPECT_EQ(bare.database, 0);
}

TEST(ParseRedisUrl, ReadsUserAndPassword) {
    const auto both = parse_redis_url("REDIS_URL", "redis://consumer:s3cret@redis:6379/1");
    EXPECT_EQ(both.user, "consumer");
    EXPECT_EQ(both.password, "s3cret");
    EXPECT_EQ(both.host, "redis");
    EXPECT_EQ(both.database, 1);
    const auto password_only = parse_redis_url("REDIS_URL", "redis://:s3cret@127.0.0.1:6379");
    EXPECT_EQ(password_only.user, "");
    EXPECT_EQ(password_only.password, "s3cret");
}

TEST(ParseRedisUrl, DecodesPercentEscapesInUserAndPassword) {
    const auto url = parse_redis_url("REDIS_URL", "redis://app%40x:p%3Aw%2Fd%40%25@h:1/0");
    EXPECT_EQ(url.user, "app@x");
    EXPECT_EQ(url.password, "p:w/d@%");
    EXPECT_EQ(url.host, "h");
    EXPECT_EQ(url.port, 1);
}

TEST(ParseRedisUrl, RejectsBadUrlsNamingTheSetting) {
    for (const std::string bad : {"http://x:1", "redis://", "redis://h:1/99", "redis://h:0",
                                  "redis://u:pw@", "redis://u:pw@:6379", "redis://user@h:1"}) {
        const auto error = error_of(bad);
        EXPECT_EQ(error.rfind("REDIS_URL: ", 0), 0U) << bad << " gave: " << error;
    }
}

TEST(ParseRedisUrl, ErrorsNeverHoldThePassword) {
    for (const std::string bad :
         {"http://u:hunter2@h:1", "redis://u:hunter2@", "redis://u:hunter2%zz@h",
          "redis://u:hunter2%4@h", "redis://u:hunter2@h:1/99"}) {
        const auto error = error_of(bad);
        EXPECT_FALSE(error.empty()) << bad;
        EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
    }
}

TEST(FormatRedisUrl, IsReadBackAsIs) {
    RedisEndpoint endpoint;
    endpoint.host = "redis";
    endpoint.port = 6380;
    endpoint.database = 2;
    endpoint.user = "a@b";
    endpoint.password = "p:w/d@% !";
    const auto url = format_redis_url(endpoint);
    const auto back = parse_redis_url("REDIS_URL", url);
    EXPECT_EQ(back.user, endpoint.user);
    EXPECT_EQ(back.password, endpoint.password);
    EXPECT_EQ(back.host, "redis");
    EXPECT_EQ(back.port, 6380);
    EXPECT_EQ(back.database, 2);
    EXPECT_EQ(format_redis_url(RedisEndpoint{}), "redis://127.0.0.1:6379/0");
}

TEST(RedactRedisUrl, HidesOnlyThePassword) {
    EXPECT_EQ(redact_redis_url("redis://consumer:s3cret@redis:6379/0"),
              "redis://consumer:***@redis:6379/0");
    EXPECT_EQ(redact_redis_url("redis://:s3cret@127.0.0.1:6379"), "redis://:***@127.0.0.1:6379");
    EXPECT_EQ(redact_redis_url("redis://a:b@c@h:1"), "redis://a:***@h:1");
    EXPECT_EQ(redact_redis_url("redis://127.0.0.1:6379/0"), "redis://127.0.0.1:6379/0");
    EXPECT_EQ(redact_redis_url("redis://user@h:1"), "redis://user@h:1");
    EXPECT_EQ(redact_redis_url("rediss://u:s3cret@h:1"), "rediss://u:***@h:1");
    EXPECT_EQ(redact_redis_url("not a url"), "not a url");
    EXPECT_EQ(redact_redis_url("a@b"), "a@b");
}

}  // namespace
}  // namespace orderflow::redis
