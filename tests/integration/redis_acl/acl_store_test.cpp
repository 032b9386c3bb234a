// The consumers' Redis users, from the ACL file scripts/lib/redis-acl.sh writes, through the
// code the consumer runs (libs/redis OrderStore, the consumer's RedisWatch): each stores its own
// group's orders and is refused everything else, with errors naming the user and the command.

#include "acl_redis.h"
#include "consumer/redis_watch.h"
#include "orders/generator.h"
#include "redis/key_names.h"
#include "redis/order_store.h"

#include <gtest/gtest.h>

namespace orderflow::redis {
namespace {

class AclStoreTest : public test::AclRedisTest {
protected:
    /// The AclDenied `run` throws; "" (and a test failure) when it throws nothing.
    template <typename Run>
    static std::string denial(Run run) {
        try {
            run();
        } catch (const AclDenied& e) {
            return e.what();
        }
        ADD_FAILURE() << "no AclDenied";
        return "";
    }

    /// consumer-auto, with `rule` applied to it, writes one order of its own group: the
    /// refusal, after which Redis must hold nothing.
    std::string write_refused_after(const std::string& rule, const StoreEntry& entry) {
        set_user_rule("consumer-auto", rule);
        auto connection = connect("consumer-auto");
        OrderStore store(connection, "orders-auto");
        auto error = denial([&] { store.write({entry}, 1); });
        EXPECT_NE(error.find("user \"consumer-auto\""), std::string::npos) << error;
        EXPECT_TRUE(store.take_refusals().empty());
        EXPECT_EQ(keys_in_redis(), 0);  // not the order hash, not the offset mark
        return error;
    }

    /// What `make up` does in the secure profile before the consumers start (and SetUp).
    static void load_library_as_admin() {
        auto admin = connect("admin");
        load_store_library(admin);
    }

    StoreEntry next_order(std::int64_t offset) { return {"orders", 0, offset, generator_.next()}; }

    orders::OrderGenerator generator_{42, 5};
};

TEST_F(AclStoreTest, NoUserAndAWrongPasswordAreRefused) {
    const auto no_user = denial([] { Connection c(redis_->endpoint("")); });
    EXPECT_NE(no_user.find("NOAUTH"), std::string::npos) << no_user;

    // The default user is off: even the admin's password does not log it in.
    auto as_default = redis_->endpoint("");
    as_default.password = redis_->password("admin");
    const auto default_user = denial([&] { Connection c(as_default); });
    EXPECT_NE(default_user.find("WRONGPASS"), std::string::npos) << default_user;

    auto wrong = redis_->endpoint("consumer-auto");
    wrong.password = redis_->password("consumer-batch");
    const auto wrong_password = denial([&] { Connection c(wrong); });
    EXPECT_NE(wrong_password.find("WRONGPASS"), std::string::npos) << wrong_password;
    EXPECT_NE(wrong_password.find("consumer-auto"), std::string::npos) << wrong_password;
    EXPECT_EQ(wrong_password.find(wrong.password), std::string::npos) << "password in the error";
}

TEST_F(AclStoreTest, EachConsumerStoresItsGroupsOrdersAndReadsItsMarks) {
    for (const std::string group : {"orders-auto", "orders-batch"}) {
        const auto user = group == "orders-auto" ? "consumer-auto" : "consumer-batch";
        Connection connection(redis_->endpoint(user));
        EXPECT_EQ(connection.command({"PING"}).str, "PONG");  // the consumer's start probe
        OrderStore store(connection, group);
        const auto order = next_order(1);
        EXPECT_EQ(store.write({order, next_order(2), {"orders", 0, 3, std::nullopt}}, 1),
                  (std::vector{WriteOutcome::kApplied, WriteOutcome::kApplied,
                               WriteOutcome::kDeadLettered}));
        EXPECT_EQ(store.write({order}, 2), std::vector{WriteOutcome::kDuplicate});
        EXPECT_EQ(store.last_offsets({0}).at("orders:0"), 3);  // what the consumer reads
        auto admin = connect("admin");  // the totals are the readers' (no SMEMBERS for it)
        EXPECT_EQ(OrderStore(admin, group).stats().processed, 2);
    }
}

// FUNCTION LOAD changes the code every user's FCALL runs: a consumer's user may not, so a
// Redis without the library holds the consumer's writes, saying who loads it, until an admin
// has loaded it.
TEST_F(AclStoreTest, AConsumerMayNotLoadTheLibraryAndSaysWhoDoes) {
    ASSERT_EQ(connect("admin").command({"FUNCTION", "FLUSH"}).str, "OK");
    Connection connection(redis_->endpoint("consumer-auto"));
    OrderStore store(connection, "orders-auto");
    const auto order = next_order(1);
    const auto error = denial([&] { store.write({order}, 1); });
    EXPECT_NE(error.find("library " + store_library().name + " is not in Redis"), std::string::npos)
        << error;
    EXPECT_NE(error.find("user \"consumer-auto\" may not load it"), std::string::npos) << error;
    EXPECT_NE(error.find("orderflow admin redis-functions"), std::string::npos) << error;
    EXPECT_EQ(keys_in_redis(), 0);
    EXPECT_NE(denial([&] { load_store_library(connection); }).find("NOPERM"), std::string::npos);

    load_library_as_admin();
    EXPECT_EQ(store.write({order}, 1), std::vector{WriteOutcome::kApplied});
}

TEST_F(AclStoreTest, TheConsumersWatchKeyWorksAsItsUser) {
    Connection connection(redis_->endpoint("consumer-batch"));
    const std::set<consumer::TopicPartition> assigned = {{"orders", 0}, {"orders", 2}};
    consumer::RedisWatch watch(connection, "orders-batch", std::chrono::milliseconds(0));
    EXPECT_FALSE(watch.lost(consumer::RedisWatch::Clock::now(), assigned));  // arms: SET ... PX
    EXPECT_FALSE(watch.lost(consumer::RedisWatch::Clock::now(), assigned));  // PEXPIRE finds them
    ASSERT_EQ(connect("admin").command({"DEL", watch.key(2)}).integer, 1);
    EXPECT_TRUE(watch.lost(consumer::RedisWatch::Clock::now(), assigned));
    watch.arm(assigned);

    // Under another group's name the watch keys are refused, naming user and key.
    consumer::RedisWatch foreign(connection, "orders-auto", std::chrono::milliseconds(0));
    const auto error = denial([&] { foreign.lost(consumer::RedisWatch::Clock::now(), assigned); });
    EXPECT_NE(error.find("user \"consumer-batch\""), std::string::npos) << error;
    EXPECT_NE(error.find("SET " + foreign.key(0)), std::string::npos) << error;
}

TEST_F(AclStoreTest, AConsumerIsRefusedTheOtherGroupsKeysNamingUserAndKeys) {
    Connection connection(redis_->endpoint("consumer-auto"));
    OrderStore other(connection, "orders-batch");
    const auto entry = next_order(1);
    const auto write = denial([&] { other.write({entry}, 1); });
    EXPECT_NE(write.find("user \"consumer-auto\""), std::string::npos) << write;
    // The first command of the write refused: the group's directory of partitions.
    EXPECT_NE(write.find("(SADD partitions:orders-batch)"), std::string::npos) << write;
    EXPECT_NE(write.find("NOPERM"), std::string::npos) << write;
    EXPECT_EQ(keys_in_redis(), 0);

    const auto read = denial([&] { other.last_offsets({0}); });
    EXPECT_NE(read.find("HGETALL " + offsets_key("orders-batch", 0)), std::string::npos) << read;
    EXPECT_NE(denial([&] { other.stats(); }).find("SMEMBERS partitions:orders-batch"),
              std::string::npos);

    // The other group's keys by any command, and the server's commands: NOPERM.
    const auto order_key_b = order_key("orders-batch", 0, "o-1");
    for (const Command& command :
         {Command{"HGETALL", order_key_b}, Command{"HSET", order_key_b, "status", "x"},
          Command{"DEL", stats_key("orders-batch", 0)}, Command{"FLUSHALL"},
          Command{"CONFIG", "SET", "appendonly", "no"}, Command{"KEYS", "*"}, Command{"SCAN", "0"},
          Command{"DEL", stats_key("orders-auto", 0)}, Command{"FUNCTION", "FLUSH"},
          Command{"FUNCTION", "DELETE", store_library().name}}) {
        const auto reply = connection.command(command);
        EXPECT_TRUE(reply.str.starts_with("NOPERM")) << command[0] << ": " << reply.str;
    }
}

TEST_F(AclStoreTest, AWriteTheFunctionMayNotMakeIsRefusedBeforeAnyWriteNamingCommandAndKey) {
    const auto entry = next_order(1);
    const auto error = write_refused_after("-zadd", entry);
    EXPECT_NE(
        error.find("NOPERM the order function may not run ZADD on " +
                   customer_orders_key("orders-auto", entry.partition, entry.order->customer_id)),
        std::string::npos)
        << error;
}

TEST_F(AclStoreTest, AReadTheFunctionMayNotMakeNamesTheLibrarysLine) {
    const auto error = write_refused_after("-type", next_order(1));
    EXPECT_NE(error.find("redis.call('TYPE', stats)"), std::string::npos) << error;
}

}  // namespace
}  // namespace orderflow::redis
