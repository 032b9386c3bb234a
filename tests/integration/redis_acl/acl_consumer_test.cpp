// A consumer whose Redis user is refused a write (the wrong group's keys, or a command its
// script calls) holds the batch: nothing is dead-lettered, nothing counts as written, the
// failure names the user and what was refused, and the same batch is written once the user
// is allowed. Real Avro messages, the consumer's BatchProcessor, RetryingWriter and
// RedisOrderSink, a Redis with the generated ACL file. Also: redis.sh's ACL options.

#include "acl_redis.h"
#include "consumer/batch_processor.h"
#include "consumer/redis_order_sink.h"
#include "consumer/retrying_writer.h"
#include "orders/generator.h"
#include "redis/redis_url.h"
#include "serde/order_codec.h"
#include "serde/order_decoder.h"
#include "serde/order_schema.h"
#include "serde/wire_format.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

namespace orderflow::consumer {
namespace {

constexpr int kSchemaId = 3;

class RecordedDeadLetters : public DeadLetterSink {
public:
    void send(const std::vector<DeadLetter>& letters) override {
        sent += static_cast<int>(letters.size());
    }
    int sent = 0;
};

class AclConsumerTest : public test::AclRedisTest {
protected:
    std::vector<InboundMessage> batch(int size) {
        std::vector<InboundMessage> messages;
        for (int i = 0; i < size; ++i) {
            messages.push_back({"orders", 0, i, "key",
                                serde::frame(kSchemaId, encoder_.encode(generator_.next())), 1});
        }
        return messages;
    }

    /// One attempt of `group`'s writer as `user`: the outcome, or nullopt with `failure` set.
    std::optional<BatchOutcome> write_as(const std::string& user,
                                         const std::string& group,
                                         const std::vector<InboundMessage>& messages,
                                         std::string& failure) {
        redis::Connection connection(redis_->endpoint(user));
        redis::OrderStore store(connection, group);
        RedisOrderSink sink(store, latency_);
        BatchProcessor processor(decoder_, dead_letters_, sink);
        RetryingWriter writer(processor, group, std::chrono::seconds(1));
        auto outcome = writer.try_once(messages);
        failure = writer.last_failure();
        return outcome;
    }

    orders::OrderGenerator generator_{17, 3};
    serde::OrderEncoder encoder_{serde::kOrderSchemaJson};
    serde::OrderDecoder decoder_{[](int) { return std::string(serde::kOrderSchemaJson); }};
    RecordedDeadLetters dead_letters_;
    metrics::Histogram latency_{e2e_latency_buckets()};
};

TEST_F(AclConsumerTest, AWriteToAnotherGroupsKeysIsHeldNotDeadLettered) {
    const auto messages = batch(5);
    std::string failure;
    EXPECT_FALSE(write_as("consumer-auto", "orders-batch", messages, failure));
    EXPECT_NE(failure.find("refused to user \"consumer-auto\" by Redis's ACL"), std::string::npos)
        << failure;
    EXPECT_NE(failure.find("partitions:orders-batch"), std::string::npos) << failure;
    EXPECT_EQ(dead_letters_.sent, 0);
    EXPECT_EQ(keys_in_redis(), 0);

    // The right user writes the very same batch: nothing of it was lost or counted twice.
    const auto outcome = write_as("consumer-batch", "orders-batch", messages, failure);
    ASSERT_TRUE(outcome) << failure;
    EXPECT_EQ(outcome->applied, 5);
    EXPECT_EQ(outcome->dead_lettered, 0);
    EXPECT_EQ(dead_letters_.sent, 0);
}

TEST_F(AclConsumerTest, ACommandTheScriptMayNotCallIsHeldNotDeadLettered) {
    set_user_rule("consumer-auto", "-hincrby");
    const auto messages = batch(3);
    std::string failure;
    EXPECT_FALSE(write_as("consumer-auto", "orders-auto", messages, failure));
    EXPECT_NE(failure.find("user \"consumer-auto\""), std::string::npos) << failure;
    EXPECT_NE(failure.find("may not run HINCRBY on stats:{orders-auto:"), std::string::npos)
        << failure;
    EXPECT_EQ(keys_in_redis(), 0);
    EXPECT_EQ(dead_letters_.sent, 0);

    // ACL LOAD gives the user its commands back; the held batch is then written whole.
    ASSERT_EQ(connect("admin").command({"ACL", "LOAD"}).str, "OK");
    const auto outcome = write_as("consumer-auto", "orders-auto", messages, failure);
    ASSERT_TRUE(outcome) << failure;
    EXPECT_EQ(outcome->applied, 3);
    EXPECT_EQ(dead_letters_.sent, 0);
}

TEST_F(AclConsumerTest, AConsumerWhoseUserMayNotPingStopsAtStartNamingUserAndCommand) {
    set_user_rule("consumer-auto", "-ping");
    const auto result = test::run_orderflow(
        "consume", {{"REDIS_URL", redis::format_redis_url(redis_->endpoint("consumer-auto"))},
                    {"KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + std::to_string(test::free_port())}});
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("REDIS_URL"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("PING was refused to user \"consumer-auto\" by Redis's ACL"),
              std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find(redis_->password("consumer-auto")), std::string::npos);
}

TEST_F(AclConsumerTest, RedisShNeedsTheAdminPasswordFileWithAnAclFile) {
    const auto acl = test::shell_quote((redis_->secrets() / "redis-users.acl").string());
    const auto without = redis_->redis_sh("status --acl-file " + acl);
    EXPECT_NE(without.exit_code, 0);
    EXPECT_NE(without.output.find("REDIS_ADMIN_PASSWORD_FILE"), std::string::npos)
        << without.output;

    const auto missing = redis_->redis_sh("status --admin-password-file /nonexistent/admin.pw");
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.output.find("REDIS_ADMIN_PASSWORD_FILE"), std::string::npos)
        << missing.output;
}

TEST_F(AclConsumerTest, RedisShStatusLogsInAsAdminAndSaysWhenItCannot) {
    const auto password_file = test::shell_quote((redis_->secrets() / "admin.password").string());
    const auto healthy = redis_->redis_sh("status --admin-password-file " + password_file);
    EXPECT_EQ(healthy.exit_code, 0);
    EXPECT_NE(healthy.output.find("healthy"), std::string::npos) << healthy.output;

    const auto anonymous = redis_->redis_sh("status");
    EXPECT_NE(anonymous.output.find("refuses our login"), std::string::npos) << anonymous.output;
}

TEST_F(AclConsumerTest, TheAclFileHoldsNoPasswordAndOnlyItsOwnerReadsIt) {
    const auto acl = redis_->secrets() / "redis-users.acl";
    EXPECT_EQ(std::filesystem::status(acl).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const auto text = test::run_command("cat " + test::shell_quote(acl.string())).output;
    for (const std::string user :
         {"admin", "consumer-auto", "consumer-batch", "console", "audit"}) {
        EXPECT_EQ(text.find(redis_->password(user)), std::string::npos) << user;
        EXPECT_NE(text.find("user " + user + " on #"), std::string::npos) << user;
    }
    EXPECT_NE(text.find("user default off"), std::string::npos) << text;
}

}  // namespace
}  // namespace orderflow::consumer
