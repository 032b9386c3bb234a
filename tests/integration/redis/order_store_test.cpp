#include "redis/order_store.h"

#include "common/settings.h"
#include "orders/generator.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace orderflow::redis {
namespace {

redis::RedisEndpoint stack_redis() {
    return redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url);
}

class OrderStoreTest : public ::testing::Test {
protected:
    Connection connection_{stack_redis()};
    std::string group_ = test::unique_name("store");
    OrderStore store_{connection_, group_};
    orders::OrderGenerator generator_{99, 3};

    StoreEntry entry(std::int32_t partition, std::int64_t offset) {
        return {"orders", partition, offset, generator_.next()};
    }

    std::int64_t stored_at_ = 1'700'000'000'000;

    std::vector<WriteOutcome> write(const std::vector<StoreEntry>& entries) {
        return store_.write(entries, stored_at_);
    }

    std::string hget(const std::string& key, const std::string& field) {
        return connection_.command({"HGET", key, field}).str;
    }
};

TEST_F(OrderStoreTest, WritesOrderAggregatesOffsetsAndStats) {
    const auto a = entry(0, 10);
    auto b = entry(1, 5);
    b.order->customer_id = a.order->customer_id;
    const auto outcomes = write({a, b});
    EXPECT_EQ(outcomes, (std::vector{WriteOutcome::kApplied, WriteOutcome::kApplied}));

    const auto key = order_key(group_, a.order->order_id);
    EXPECT_EQ(hget(key, "customer_id"), a.order->customer_id);
    EXPECT_EQ(hget(key, "total_cents"), std::to_string(a.order->total_cents));
    EXPECT_EQ(hget(key, "partition"), "0");
    EXPECT_EQ(hget(key, "offset"), "10");
    EXPECT_EQ(hget(key, "currency"), "EUR");
    EXPECT_NE(hget(key, "items").find(a.order->items[0].sku), std::string::npos);

    const auto customer = customer_key(group_, a.order->customer_id);
    EXPECT_EQ(hget(customer, "orders_count"), "2");
    EXPECT_EQ(hget(customer, "total_spent_cents"),
              std::to_string(a.order->total_cents + b.order->total_cents));
    const auto zset = connection_.command(
        {"ZRANGE", customer_orders_key(group_, a.order->customer_id), "0", "-1", "WITHSCORES"});
    ASSERT_EQ(zset.elements.size(), 4U);
    EXPECT_EQ(zset.elements[1].str, std::to_string(a.order->created_at_ms));

    const auto stats = store_.stats();
    EXPECT_EQ(stats.processed, 2);
    EXPECT_EQ(stats.duplicates_skipped, 0);
    EXPECT_EQ(store_.last_offsets(),
              (std::map<std::string, std::int64_t>{{"orders:0", 10}, {"orders:1", 5}}));
}

TEST_F(OrderStoreTest, StoredAtIsTheWritersTimeAndARedeliveryKeepsTheFirst) {
    const auto first = entry(0, 3);
    auto resent = first;
    resent.offset = 9;
    ASSERT_EQ(write({first}), std::vector{WriteOutcome::kApplied});
    const auto key = order_key(group_, first.order->order_id);
    EXPECT_EQ(hget(key, "stored_at"), "1700000000000");
    const auto fields_before = connection_.command({"HGETALL", key}).elements.size();

    stored_at_ += 60'000;
    ASSERT_EQ(write({first, resent}), std::vector(2, WriteOutcome::kDuplicate));
    EXPECT_EQ(hget(key, "stored_at"), "1700000000000");
    EXPECT_EQ(hget(key, "offset"), "3");
    EXPECT_EQ(connection_.command({"HGETALL", key}).elements.size(), fields_before);
    // stored_at is the store's own field, not one the audit compares with the topic.
    for (const auto& [name, value] : order_fields(*first.order)) {
        EXPECT_NE(name, "stored_at");
    }
}

TEST_F(OrderStoreTest, StatsCountEachCustomerOnceAtItsFirstOrder) {
    auto a = entry(0, 0);
    auto b = entry(0, 1);
    auto c = entry(0, 2);
    a.order->customer_id = b.order->customer_id = "customer-one";
    c.order->customer_id = "customer-two";
    ASSERT_EQ(write({a, b, c}), std::vector(3, WriteOutcome::kApplied));
    ASSERT_EQ(write({a, c}), std::vector(2, WriteOutcome::kDuplicate));
    EXPECT_EQ(hget(stats_key(group_), "customers"), "2");
}

TEST_F(OrderStoreTest, RedeliveryIsCountedNotApplied) {
    const std::vector batch = {entry(2, 0), entry(2, 1), entry(2, 2)};
    write(batch);
    const auto customer = customer_key(group_, batch[0].order->customer_id);
    const auto count_before = hget(customer, "orders_count");
    const auto spent_before = hget(customer, "total_spent_cents");

    const auto outcomes = write(batch);
    EXPECT_EQ(outcomes, std::vector<WriteOutcome>(3, WriteOutcome::kDuplicate));
    EXPECT_EQ(hget(customer, "orders_count"), count_before);
    EXPECT_EQ(hget(customer, "total_spent_cents"), spent_before);
    const auto stats = store_.stats();
    EXPECT_EQ(stats.processed, 3);
    EXPECT_EQ(stats.duplicates_skipped, 3);
}

TEST_F(OrderStoreTest, SameOrderAtANewOffsetIsADuplicate) {
    auto first = entry(0, 1);
    auto again = first;
    again.offset = 7;  // the producer re-sent it after an unknown delivery outcome
    EXPECT_EQ(write({first, again}),
              (std::vector{WriteOutcome::kApplied, WriteOutcome::kDuplicate}));
    EXPECT_EQ(store_.last_offsets().at("orders:0"), 7);
    EXPECT_EQ(hget(customer_key(group_, first.order->customer_id), "orders_count"), "1");
}

// The topic was deleted and re-created: its offsets restart at 0, far below the marks of
// the old incarnation. New orders are applied; a redelivery of one of them is still a
// duplicate, and so is an order of the old incarnation.
TEST_F(OrderStoreTest, NewOrdersOfARecreatedTopicAreAppliedDespiteOldOffsets) {
    std::vector<StoreEntry> old_incarnation;
    for (std::int64_t offset = 5000; offset < 5003; ++offset) {
        old_incarnation.push_back(entry(0, offset));
    }
    ASSERT_EQ(write(old_incarnation), std::vector<WriteOutcome>(3, WriteOutcome::kApplied));
    const std::vector recreated = {entry(0, 0), entry(0, 1), entry(0, 2)};
    EXPECT_EQ(write(recreated), std::vector<WriteOutcome>(3, WriteOutcome::kApplied));
    EXPECT_EQ(hget(order_key(group_, recreated[1].order->order_id), "offset"), "1");
    EXPECT_EQ(store_.last_offsets().at("orders:0"), 2);

    EXPECT_EQ(write(recreated), std::vector<WriteOutcome>(3, WriteOutcome::kDuplicate));
    auto old_again = old_incarnation[0];
    old_again.offset = 3;
    EXPECT_EQ(write({old_again}), std::vector{WriteOutcome::kDuplicate});
    // Dead letters still go by the mark: a redelivered one is skipped, a new one counted.
    const StoreEntry dead{"orders", 0, 4, std::nullopt};
    EXPECT_EQ(write({dead, dead}),
              (std::vector{WriteOutcome::kDeadLettered, WriteOutcome::kDuplicate}));
    const auto stats = store_.stats();
    EXPECT_EQ(stats.processed, 6);
    EXPECT_EQ(stats.duplicates_skipped, 5);
    EXPECT_EQ(stats.dead_lettered, 1);
}

// Every key the script wrote is one it was given in KEYS (Redis Cluster and proxies route
// by KEYS), and Redis itself finds those keys in the call.
TEST_F(OrderStoreTest, TheScriptTouchesOnlyTheKeysItDeclares) {
    const auto order = entry(1, 0);
    const StoreEntry dead{"orders", 1, 1, std::nullopt};
    ASSERT_EQ(write({order, dead}),
              (std::vector{WriteOutcome::kApplied, WriteOutcome::kDeadLettered}));
    std::set<std::string> declared;
    for (const auto& e : {order, dead}) {
        const auto keys = script_keys(group_, e);
        declared.insert(keys.begin(), keys.end());
        Command getkeys = {"COMMAND", "GETKEYS", "EVAL", "return 0", std::to_string(keys.size())};
        getkeys.insert(getkeys.end(), keys.begin(), keys.end());
        getkeys.insert(getkeys.end(), {"order", "orders:1", "0"});
        const auto reply = connection_.command(getkeys);
        ASSERT_EQ(reply.elements.size(), keys.size()) << reply.str;
    }
    std::set<std::string> written;
    std::string cursor = "0";
    do {
        const auto reply = connection_.command({"SCAN", cursor, "MATCH", "*" + group_ + "*"});
        ASSERT_EQ(reply.elements.size(), 2U) << reply.str;
        cursor = reply.elements[0].str;
        for (const auto& key : reply.elements[1].elements) {
            written.insert(key.str);
        }
    } while (cursor != "0");
    EXPECT_EQ(written, declared);

    // And the source names no key of its own: every redis.call's key is a KEYS entry.
    const std::string script(OrderStore::script());
    const std::regex call(R"(redis\.call\('[A-Z]+', ([^,)]+))");
    int calls = 0;
    for (auto it = std::sregex_iterator(script.begin(), script.end(), call);
         it != std::sregex_iterator(); ++it, ++calls) {
        const auto key = (*it)[1].str();
        EXPECT_TRUE(key == "stats" || key == "offsets" || key == "order_key" || key == "customer" ||
                    key == "customer_orders")
            << key;
    }
    EXPECT_GE(calls, 10);
    EXPECT_EQ(script.find(".. group"), std::string::npos);
    EXPECT_NE(script.find("local stats, offsets = KEYS[1], KEYS[2]"), std::string::npos);
    EXPECT_NE(script.find("local order_key, customer, customer_orders = KEYS[3], KEYS[4], KEYS[5]"),
              std::string::npos);
}

TEST_F(OrderStoreTest, DeadLettersAreCountedOnce) {
    const StoreEntry dead{"orders", 3, 4, std::nullopt};
    EXPECT_EQ(write({dead, entry(3, 5)}),
              (std::vector{WriteOutcome::kDeadLettered, WriteOutcome::kApplied}));
    EXPECT_EQ(write({dead}), (std::vector{WriteOutcome::kDuplicate}));
    const auto stats = store_.stats();
    EXPECT_EQ(stats.dead_lettered, 1);
    EXPECT_EQ(stats.processed, 1);
}

TEST_F(OrderStoreTest, ScriptIsReloadedAfterAFlush) {
    write({entry(0, 0)});
    ASSERT_FALSE(connection_.command({"SCRIPT", "FLUSH"}).is_error());
    EXPECT_EQ(write({entry(0, 1)}), (std::vector{WriteOutcome::kApplied}));
}

TEST_F(OrderStoreTest, ReconnectsAfterTheServerDropsTheConnection) {
    write({entry(4, 0)});
    connection_.command({"CLIENT", "KILL", "SKIPME", "no", "ID",
                         std::to_string(connection_.command({"CLIENT", "ID"}).integer)});
    // Either this call notices the dead socket (RedisError) or it already reconnected.
    try {
        write({entry(4, 1)});
    } catch (const RedisError&) {
    }
    write({entry(4, 2)});
    EXPECT_EQ(store_.last_offsets().at("orders:4"), 2);
}

TEST(RedisConnection, UnreachableServerNamesTheAddress) {
    redis::RedisEndpoint endpoint;
    endpoint.port = test::free_port();
    try {
        Connection connection(endpoint, std::chrono::milliseconds(500));
        FAIL() << "expected RedisError";
    } catch (const RedisError& e) {
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(endpoint.port)),
                  std::string::npos);
    }
}

TEST(RedisConnection, PipelineKeepsOrderAndReturnsErrorReplies) {
    Connection connection(stack_redis());
    const auto key = test::unique_name("pipe");
    const auto replies =
        connection.pipeline({{"SET", key, "1"}, {"INCR", key}, {"HGET", key, "x"}, {"GET", key}});
    ASSERT_EQ(replies.size(), 4U);
    EXPECT_EQ(replies[1].integer, 2);
    EXPECT_TRUE(replies[2].is_error());  // WRONGTYPE
    EXPECT_EQ(replies[3].str, "2");
    connection.command({"DEL", key});
}

}  // namespace
}  // namespace orderflow::redis
