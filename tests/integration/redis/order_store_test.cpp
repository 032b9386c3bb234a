#include "redis/order_store.h"

#include "common/settings.h"
#include "orders/generator.h"
#include "redis/connection.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

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

    const auto key = order_key(group_, a.partition, a.order->order_id);
    EXPECT_EQ(hget(key, "customer_id"), a.order->customer_id);
    EXPECT_EQ(hget(key, "total_cents"), std::to_string(a.order->total_cents));
    EXPECT_EQ(hget(key, "partition"), "0");
    EXPECT_EQ(hget(key, "offset"), "10");
    EXPECT_EQ(hget(key, "currency"), "EUR");
    EXPECT_NE(hget(key, "items").find(a.order->items[0].sku), std::string::npos);

    // One customer, two partitions: a piece of its aggregates in each partition's tag.
    const auto customer = customer_key(group_, a.partition, a.order->customer_id);
    EXPECT_EQ(hget(customer, "orders_count"), "1");
    EXPECT_EQ(hget(customer, "total_spent_cents"), std::to_string(a.order->total_cents));
    const auto other_piece = customer_key(group_, b.partition, a.order->customer_id);
    EXPECT_EQ(hget(other_piece, "total_spent_cents"), std::to_string(b.order->total_cents));
    const auto zset = connection_.command(
        {"ZRANGE", customer_orders_key(group_, a.partition, a.order->customer_id), "0", "-1",
         "WITHSCORES"});
    ASSERT_EQ(zset.elements.size(), 2U);
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
    const auto key = order_key(group_, first.partition, first.order->order_id);
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
    EXPECT_EQ(store_.stats().customers, 2);
}

TEST_F(OrderStoreTest, RedeliveryIsCountedNotApplied) {
    const std::vector batch = {entry(2, 0), entry(2, 1), entry(2, 2)};
    write(batch);
    const auto customer = customer_key(group_, batch[0].partition, batch[0].order->customer_id);
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
    EXPECT_EQ(hget(customer_key(group_, first.partition, first.order->customer_id), "orders_count"),
              "1");
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
    EXPECT_EQ(
        hget(order_key(group_, recreated[1].partition, recreated[1].order->order_id), "offset"),
        "1");
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

// Every key the function wrote is one it was given in KEYS (Redis Cluster and proxies route
// by KEYS), and Redis itself finds those keys in the call.
TEST_F(OrderStoreTest, TheFunctionTouchesOnlyTheKeysItDeclares) {
    const std::vector<StoreEntry> entries = {entry(1, 0), {"orders", 1, 1, std::nullopt}};
    const auto call =
        store_call(store_library().function, group_, entries, {0, 1}, {false, false}, "1");
    ASSERT_EQ(write(entries), (std::vector{WriteOutcome::kApplied, WriteOutcome::kDeadLettered}));
    const auto key_count = std::stoul(call[2]);
    const std::set<std::string> declared(call.begin() + 3, call.begin() + 3 + key_count);
    Command getkeys = {"COMMAND", "GETKEYS"};
    getkeys.insert(getkeys.end(), call.begin(), call.end());
    const auto reply = connection_.command(getkeys);
    ASSERT_EQ(reply.elements.size(), key_count) << reply.str;

    std::set<std::string> written;
    std::string cursor = "0";
    do {
        const auto scan = connection_.command({"SCAN", cursor, "MATCH", "*" + group_ + "*"});
        ASSERT_EQ(scan.elements.size(), 2U) << scan.str;
        cursor = scan.elements[0].str;
        for (const auto& key : scan.elements[1].elements) {
            written.insert(key.str);
        }
    } while (cursor != "0");
    // Beside the function's keys, only the group's directory, which the write's own SADD keeps.
    auto expected = declared;
    expected.insert(partitions_key(group_));
    EXPECT_EQ(written, expected);
}

// One FCALL per partition, all of them in one round trip: the offset mark is written by the
// call that writes the partition's orders.
TEST_F(OrderStoreTest, OneCallPerPartitionAndOneRoundTripForTheBatch) {
    std::vector<StoreEntry> batch;
    for (std::int64_t offset = 0; offset < 30; ++offset) {
        batch.push_back(entry(static_cast<std::int32_t>(offset % 3), offset));
    }
    ASSERT_EQ(write(batch), std::vector(30, WriteOutcome::kApplied));
    EXPECT_EQ(store_.calls(), 3);
    EXPECT_EQ(store_.round_trips(), 1);
    EXPECT_EQ(store_.last_offsets(), (std::map<std::string, std::int64_t>{
                                         {"orders:0", 27}, {"orders:1", 28}, {"orders:2", 29}}));
    EXPECT_EQ(store_.stats().processed, 30);
}

// A call that refuses one order writes nothing at all: not the good orders before it, not the
// mark, not the stats. The store then sends the call again with the refused order as a dead
// letter, so the good ones are stored and the bad one is named with its reason.
TEST_F(OrderStoreTest, ACallWithOneRefusedOrderWritesNothingAndTheStoreSendsTheRestAgain) {
    const auto stored = entry(0, 0);
    ASSERT_EQ(write({stored}), std::vector{WriteOutcome::kApplied});
    auto conflicting = entry(0, 3);
    conflicting.order->order_id = stored.order->order_id;
    const std::vector<StoreEntry> batch = {entry(0, 1), entry(0, 2), conflicting, entry(0, 4)};
    const auto before = connection_.command({"DBSIZE"}).integer;

    const auto call = store_call(store_library().function, group_, batch, {0, 1, 2, 3},
                                 {false, false, false, false}, "1");
    const auto refused = connection_.command(call);
    ASSERT_EQ(refused.elements.size(), 4U) << refused.str;
    EXPECT_EQ(refused.elements[0].str, "refused");
    EXPECT_EQ(refused.elements[1].integer, 3);
    EXPECT_EQ(refused.elements[2].str, "conflicting-duplicate");
    EXPECT_EQ(connection_.command({"DBSIZE"}).integer, before);
    EXPECT_EQ(
        connection_
            .command({"EXISTS", order_key(group_, batch[0].partition, batch[0].order->order_id)})
            .integer,
        0);
    EXPECT_EQ(store_.last_offsets().at("orders:0"), 0);
    EXPECT_EQ(store_.stats().processed, 1);

    const auto trips = store_.round_trips();
    EXPECT_EQ(write(batch), (std::vector{WriteOutcome::kApplied, WriteOutcome::kApplied,
                                         WriteOutcome::kDeadLettered, WriteOutcome::kApplied}));
    EXPECT_EQ(store_.round_trips(), trips + 2);
    const auto refusals = store_.take_refusals();
    ASSERT_EQ(refusals.size(), 1U);
    EXPECT_EQ(refusals[0].entry, 2U);
    EXPECT_EQ(refusals[0].kind, RefusalKind::kConflictingDuplicate);
    EXPECT_EQ(store_.last_offsets().at("orders:0"), 4);
    const auto stats = store_.stats();
    EXPECT_EQ(stats.processed, 4);
    EXPECT_EQ(stats.dead_lettered, 1);
}

// Many orders of few customers in one call and over several: the aggregates are the exact sums,
// and a whole batch replayed changes nothing but the duplicate count.
TEST_F(OrderStoreTest, AggregatesAreExactAndAWholeBatchReplayedIsOnlyCounted) {
    std::vector<StoreEntry> batch;
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> expected;  // count, cents
    for (std::int64_t offset = 0; offset < 120; ++offset) {
        auto e = entry(static_cast<std::int32_t>(offset % 2), offset);
        e.order->customer_id = "customer-" + std::to_string(offset % 7);
        auto& [count, cents] = expected[e.order->customer_id];
        ++count;
        cents += e.order->total_cents;
        batch.push_back(std::move(e));
    }
    const std::vector first(batch.begin(), batch.begin() + 70);
    const std::vector rest(batch.begin() + 70, batch.end());
    ASSERT_EQ(write(first), std::vector(70, WriteOutcome::kApplied));
    ASSERT_EQ(write(rest), std::vector(50, WriteOutcome::kApplied));
    const auto check = [&] {
        for (const auto& [customer, totals] : expected) {
            std::int64_t count = 0;
            std::int64_t cents = 0;
            for (const std::int32_t partition : {0, 1}) {  // a piece in each
                count +=
                    std::stoll(hget(customer_key(group_, partition, customer), "orders_count"));
                cents += std::stoll(
                    hget(customer_key(group_, partition, customer), "total_spent_cents"));
            }
            EXPECT_EQ(count, totals.first) << customer;
            EXPECT_EQ(cents, totals.second) << customer;
        }
    };
    check();
    EXPECT_EQ(store_.stats().customers, 14);  // 7 customers, each with orders in 2 partitions

    EXPECT_EQ(write(batch), std::vector(120, WriteOutcome::kDuplicate));
    check();
    const auto stats = store_.stats();
    EXPECT_EQ(stats.processed, 120);
    EXPECT_EQ(stats.duplicates_skipped, 120);
    EXPECT_EQ(stats.customers, 14);
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

// Redis without the library (FUNCTION FLUSH, DELETE, a Redis that lost its data): the store
// loads it again and sends the calls again.
TEST_F(OrderStoreTest, TheLibraryIsLoadedAgainWhenRedisLostIt) {
    write({entry(0, 0)});
    const auto& library = store_library();
    ASSERT_FALSE(connection_.command({"FUNCTION", "DELETE", library.name}).is_error());
    EXPECT_EQ(write({entry(0, 1)}), (std::vector{WriteOutcome::kApplied}));
    EXPECT_EQ(
        connection_.command({"FUNCTION", "LIST", "LIBRARYNAME", library.name}).elements.size(), 1U);
    EXPECT_FALSE(load_store_library(connection_));  // there: nothing to do, nothing replaced
}

// Another version of the library (another hash in its names) is loaded beside this one, as a
// new consumer does while an old one runs: neither replaces the other, both keep working.
TEST_F(OrderStoreTest, AnotherVersionOfTheLibraryRunsBesideThisOne) {
    const auto& library = store_library();
    load_store_library(connection_);
    std::string other = library.code;
    for (auto at = other.find(library.hash); at != std::string::npos;
         at = other.find(library.hash, at)) {
        other.replace(at, library.hash.size(), "0ther0version000");
    }
    const auto other_name = "orderflow_store_0ther0version000";
    connection_.command({"FUNCTION", "DELETE", other_name});
    ASSERT_EQ(connection_.command({"FUNCTION", "LOAD", other}).str, other_name);
    EXPECT_FALSE(load_store_library(connection_));

    const std::vector batch = {entry(3, 0), entry(3, 1)};
    auto old_call =
        store_call("orderflow_store_orders_0ther0version000", group_, batch, {0}, {false}, "1");
    EXPECT_EQ(connection_.command(old_call).elements.size(), 1U);
    EXPECT_EQ(write(batch), (std::vector{WriteOutcome::kDuplicate, WriteOutcome::kApplied}));
    EXPECT_EQ(connection_.command({"FUNCTION", "DELETE", other_name}).str, "OK");
    EXPECT_EQ(
        connection_.command({"FUNCTION", "LIST", "LIBRARYNAME", library.name}).elements.size(), 1U);
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
