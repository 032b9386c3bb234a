// A private redis-server with a password and an ACL user, started here on a free port: the
// right credentials store orders; a wrong or missing password stops both libs/redis and the
// consumer with an error naming REDIS_URL and Redis's reply, and no output holds the password.

#include "orders/generator.h"
#include "redis/connection.h"
#include "redis/order_store.h"
#include "redis/redis_url.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace orderflow::redis {
namespace {

constexpr const char* kAdminPassword = "adm1n-Pw-9f3e";
constexpr const char* kWriterPassword = "wr1ter-Pw@:/7c";  // needs URL-encoding
constexpr const char* kWrongPassword = "wr0ng-Pw-41aa";

std::string encoded(const std::string& user, const std::string& password, std::uint16_t port) {
    RedisEndpoint endpoint;
    endpoint.port = port;
    endpoint.user = user;
    endpoint.password = password;
    return format_redis_url(endpoint);
}

class RedisAuthTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / test::unique_name("redis-auth");
        std::filesystem::create_directories(dir_);
        port_ = test::free_port();
        server_ = std::make_unique<test::ChildProcess>(
            std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_),
                                     "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                     "--dir", dir_.string(), "--requirepass", kAdminPassword},
            std::map<std::string, std::string>{}, (dir_ / "redis.log").string());
        const bool up = test::wait_until(
            [&] {
                try {
                    Connection admin(parse_redis_url("REDIS_URL", url("", kAdminPassword)));
                    return admin.command({"PING"}).str == "PONG";
                } catch (const RedisError&) {
                    return false;
                }
            },
            std::chrono::seconds(20));
        ASSERT_TRUE(up) << server_->output();
        Connection admin(parse_redis_url("REDIS_URL", url("", kAdminPassword)));
        const auto created = admin.command(
            {"ACL", "SETUSER", "writer", "on", std::string(">") + kWriterPassword, "~*", "+@all"});
        ASSERT_EQ(created.str, "OK");
    }

    void TearDown() override {
        server_.reset();
        std::filesystem::remove_all(dir_);
    }

    std::string url(const std::string& user, const std::string& password) const {
        return password.empty() ? "redis://127.0.0.1:" + std::to_string(port_) + "/0"
                                : encoded(user, password, port_);
    }

    /// The RedisError a connection with `text` as REDIS_URL raises; "" when it connects.
    std::string connect_error(const std::string& text) const {
        try {
            Connection connection(parse_redis_url("REDIS_URL", text));
        } catch (const RedisError& e) {
            return e.what();
        }
        return "";
    }

    std::filesystem::path dir_;
    std::uint16_t port_ = 0;
    std::unique_ptr<test::ChildProcess> server_;
};

// Each password's first part, so that a URL-encoded copy is caught as well.
void expect_no_password(const std::string& text) {
    for (const std::string secret : {"adm1n-Pw", "wr1ter-Pw", "wr0ng-Pw"}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << "password in: " << text;
    }
}

TEST_F(RedisAuthTest, TheRightCredentialsStoreOrdersAsTheAclUserAndAfterAReconnect) {
    Connection connection(parse_redis_url("REDIS_URL", url("writer", kWriterPassword)));
    EXPECT_EQ(connection.command({"ACL", "WHOAMI"}).str, "writer");
    const auto group = test::unique_name("auth");
    OrderStore store(connection, group);
    orders::OrderGenerator generator(7, 3);
    const StoreEntry first{"orders", 0, 1, generator.next()};
    EXPECT_EQ(store.write({first}, 1'700'000'000'000), std::vector{WriteOutcome::kApplied});

    // Redis drops the client: the next call connects again and must authenticate again.
    Connection admin(parse_redis_url("REDIS_URL", url("", kAdminPassword)));
    ASSERT_EQ(admin.command({"CLIENT", "KILL", "USER", "writer"}).integer, 1);
    EXPECT_THROW(connection.command({"PING"}), RedisError);
    EXPECT_EQ(connection.command({"ACL", "WHOAMI"}).str, "writer");
    const StoreEntry second{"orders", 0, 2, generator.next()};
    EXPECT_EQ(store.write({second}, 1'700'000'000'000), std::vector{WriteOutcome::kApplied});
    EXPECT_EQ(admin.command({"EXISTS", order_key(group, second.partition, second.order->order_id)})
                  .integer,
              1);
}

TEST_F(RedisAuthTest, ThePasswordAloneAuthenticatesTheDefaultUser) {
    Connection connection(parse_redis_url("REDIS_URL", url("", kAdminPassword)));
    EXPECT_EQ(connection.command({"ACL", "WHOAMI"}).str, "default");
}

TEST_F(RedisAuthTest, AWrongPasswordFailsNamingRedisUrlAndWrongpass) {
    for (const auto& user : {std::string(), std::string("writer")}) {
        const auto error = connect_error(url(user, kWrongPassword));
        EXPECT_NE(error.find("REDIS_URL"), std::string::npos) << error;
        EXPECT_NE(error.find("WRONGPASS"), std::string::npos) << error;
        expect_no_password(error);
    }
}

TEST_F(RedisAuthTest, AMissingPasswordFailsNamingRedisUrlAndNoauth) {
    const auto error = connect_error(url("", ""));
    EXPECT_NE(error.find("REDIS_URL"), std::string::npos) << error;
    EXPECT_NE(error.find("NOAUTH"), std::string::npos) << error;
}

TEST_F(RedisAuthTest, TheConsumerStopsAtStartOnBadCredentialsWithoutPrintingThem) {
    const std::map<std::string, std::string> cases = {
        {url("writer", kWrongPassword), "WRONGPASS"},
        {url("", kWrongPassword), "WRONGPASS"},
        {url("", ""), "NOAUTH"},
        {"redis://writer:" + std::string(kWrongPassword) + "%zz@127.0.0.1:1/0", "%-escape"},
    };
    for (const auto& [redis_url, reply] : cases) {
        const auto result = test::run_orderflow(
            "consume",
            {{"REDIS_URL", redis_url},
             {"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + std::to_string(test::free_port())}});
        EXPECT_EQ(result.exit_code, 2) << result.output;
        EXPECT_NE(result.output.find("REDIS_URL"), std::string::npos) << result.output;
        EXPECT_NE(result.output.find(reply), std::string::npos) << result.output;
        expect_no_password(result.output);
    }
}

TEST_F(RedisAuthTest, TheConsumerGetsPastRedisWithTheRightCredentialsWithoutPrintingThem) {
    // No Kafka: the consumer authenticates to Redis, then stops at the brokers; even its debug
    // log holds no password.
    const auto result = test::run_orderflow(
        "consume", {{"REDIS_URL", url("writer", kWriterPassword)},
                    {"LOG_LEVEL", "debug"},
                    {"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + std::to_string(test::free_port())}});
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("KAFKA_BOOTSTRAP_SERVERS"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("REDIS_URL"), std::string::npos) << result.output;
    expect_no_password(result.output);
}

}  // namespace
}  // namespace orderflow::redis
