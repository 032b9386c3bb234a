// Seeds that give no slot map: none answers, or the one that answers is a Redis without cluster
// mode. The router stops with a RedisError naming every seed it tried and why; a login refused
// stops it at once as AclDenied (every node has the same users), without trying the next seed.

#include "redis_cluster/cluster_connection.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace orderflow::redis_cluster {
namespace {

constexpr const char* kPassword = "plain-Pw-5d1c";

redis::RedisEndpoint seed(std::uint16_t port, const std::string& password = "") {
    return redis::RedisEndpoint{"127.0.0.1", port, 0, "", password};
}

TEST(ClusterSeeds, NoSeedAnsweringNamesEverySeed) {
    const auto first = test::free_port();
    const auto second = test::free_port();
    try {
        ClusterConnection router({seed(first), seed(second)}, std::chrono::seconds(2));
        FAIL() << "connected to nothing";
    } catch (const redis::RedisError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("no node gave its slot map"), std::string::npos) << message;
        EXPECT_NE(message.find(":" + std::to_string(first)), std::string::npos) << message;
        EXPECT_NE(message.find(":" + std::to_string(second)), std::string::npos) << message;
    }
}

TEST(ClusterSeeds, ARedisWithoutClusterModeIsNamedAndARefusedLoginStopsAtOnce) {
    const auto dir = std::filesystem::temp_directory_path() / test::unique_name("plain-redis");
    std::filesystem::create_directories(dir);
    const auto port = test::free_port();
    {
        test::ChildProcess server(
            {"/usr/bin/redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", dir.string(), "--requirepass", kPassword},
            {}, (dir / "redis.log").string());
        ASSERT_TRUE(test::wait_until(
            [&] {
                try {
                    return redis::Connection(seed(port, kPassword)).command({"PING"}).str == "PONG";
                } catch (const redis::RedisError&) {
                    return false;
                }
            },
            std::chrono::seconds(20)));
        try {
            ClusterConnection router({seed(port, kPassword)});
            ADD_FAILURE() << "took a plain Redis for a cluster";
        } catch (const redis::RedisError& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
                << message;
            EXPECT_NE(message.find("cluster support disabled"), std::string::npos) << message;
        }
        try {
            ClusterConnection router({seed(port), seed(test::free_port())});
            ADD_FAILURE() << "logged in without the password";
        } catch (const redis::AclDenied& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("NOAUTH"), std::string::npos) << message;
            EXPECT_EQ(message.find("no node gave its slot map"), std::string::npos) << message;
            EXPECT_EQ(message.find(kPassword), std::string::npos) << message;
        }
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace orderflow::redis_cluster
