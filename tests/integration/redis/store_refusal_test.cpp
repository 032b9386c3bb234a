// Orders the store cannot write whole are refused before the first write: nothing of them
// reaches a key, the refusal says why, and the group's stats count them as dead letters.

#include "common/settings.h"
#include "orders/generator.h"
#include "orders/validation.h"
#include "redis/connection.h"
#include "redis/order_store.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

namespace orderflow::redis {
namespace {

class StoreRefusalTest : public ::testing::Test {
protected:
    Connection connection_{redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url)};
    std::string group_ = test::unique_name("refuse");
    OrderStore store_{connection_, group_};
    orders::OrderGenerator generator_{17, 5};

    StoreEntry entry(std::int64_t offset) { return {"orders", 0, offset, generator_.next()}; }

    std::vector<WriteOutcome> write(const std::vector<StoreEntry>& entries) {
        return store_.write(entries, 1'700'000'000'000);
    }

    Reply command(const Command& args) { return connection_.command(args); }

    /// Every key of the group but its stats and offsets.
    std::vector<std::string> order_and_customer_keys() {
        std::vector<std::string> keys;
        for (const auto& pattern : {order_key_pattern(group_), customer_key_pattern(group_)}) {
            const auto reply = command({"KEYS", pattern});
            for (const auto& key : reply.elements) {
                keys.push_back(key.str);
            }
        }
        return keys;
    }

    void expect_refused(std::size_t entry, RefusalKind kind, const std::string& says) {
        const auto refusals = store_.take_refusals();
        ASSERT_EQ(refusals.size(), 1U);
        EXPECT_EQ(refusals[0].entry, entry);
        EXPECT_EQ(refusals[0].kind, kind);
        EXPECT_NE(refusals[0].reason.find(says), std::string::npos) << refusals[0].reason;
    }
};

TEST_F(StoreRefusalTest, TwoOrdersOfNineQuintillionCentsAreRefusedWhole) {
    std::vector<StoreEntry> entries = {entry(0), entry(1)};
    for (auto& e : entries) {
        e.order->customer_id = "rich";
        e.order->items = {{"SKU-1", "Gold", 1, 9'200'000'000'000'000'000}};
        e.order->total_cents = 9'200'000'000'000'000'000;
    }
    EXPECT_EQ(write(entries), std::vector(2, WriteOutcome::kDeadLettered));
    const auto refusals = store_.take_refusals();
    ASSERT_EQ(refusals.size(), 2U);
    EXPECT_EQ(refusals[1].kind, RefusalKind::kInvalidOrder);
    EXPECT_TRUE(order_and_customer_keys().empty());
    EXPECT_EQ(store_.stats().dead_lettered, 2);
    EXPECT_EQ(store_.stats().processed, 0);
    EXPECT_EQ(store_.last_offsets().at("orders:0"), 1);
    // The retry of the batch (the DLQ send failed) is refused again and counted once.
    EXPECT_EQ(write(entries), std::vector(2, WriteOutcome::kDuplicate));
    EXPECT_EQ(store_.take_refusals().size(), 2U);
    EXPECT_EQ(store_.stats().dead_lettered, 2);
}

TEST_F(StoreRefusalTest, ACustomerTotalThatWouldPassTheExactRangeIsRefused) {
    auto e = entry(0);
    const auto customer = customer_key(group_, e.partition, e.order->customer_id);
    const auto near_end = std::to_string(orders::kMaxCustomerTotalCents - 1);
    command({"HSET", customer, "orders_count", "7", "total_spent_cents", near_end});
    EXPECT_EQ(write({e}), std::vector{WriteOutcome::kDeadLettered});
    expect_refused(0, RefusalKind::kStoreRefused, "would pass 9007199254740991");
    EXPECT_EQ(command({"EXISTS", order_key(group_, e.partition, e.order->order_id)}).integer, 0);
    EXPECT_EQ(command({"HGET", customer, "total_spent_cents"}).str, near_end);
    EXPECT_EQ(command({"HGET", customer, "orders_count"}).str, "7");
    EXPECT_EQ(
        command({"EXISTS", customer_orders_key(group_, e.partition, e.order->customer_id)}).integer,
        0);
}

TEST_F(StoreRefusalTest, CustomersNamedLikeAnotherCustomersKeysAreStoredApart) {
    auto c1 = entry(0);
    auto other = entry(1);
    c1.order->customer_id = "c1";
    other.order->customer_id = "c1:orders";
    auto third = entry(2);
    third.order->customer_id = "c1";
    EXPECT_EQ(write({c1, other, third}), std::vector(3, WriteOutcome::kApplied));
    EXPECT_TRUE(store_.take_refusals().empty());
    EXPECT_EQ(command({"TYPE", customer_orders_key(group_, 0, "c1")}).str, "zset");
    EXPECT_EQ(command({"ZCARD", customer_orders_key(group_, 0, "c1")}).integer, 2);
    EXPECT_EQ(command({"HGET", customer_key(group_, 0, "c1:orders"), "orders_count"}).str, "1");
    EXPECT_EQ(command({"HGET", customer_key(group_, 0, "c1"), "total_spent_cents"}).str,
              std::to_string(c1.order->total_cents + third.order->total_cents));
}

TEST_F(StoreRefusalTest, AKeyOfAnotherTypeIsRefusedBeforeAnyWrite) {
    auto e = entry(0);
    command({"SET", customer_orders_key(group_, e.partition, e.order->customer_id), "not a set"});
    EXPECT_EQ(write({e}), std::vector{WriteOutcome::kDeadLettered});
    expect_refused(0, RefusalKind::kStoreRefused, "holds a string, not a sorted set");
    EXPECT_EQ(command({"EXISTS", order_key(group_, e.partition, e.order->order_id)}).integer, 0);
    EXPECT_EQ(command({"EXISTS", customer_key(group_, e.partition, e.order->customer_id)}).integer,
              0);
    EXPECT_EQ(store_.stats().processed, 0);
}

// The order key of another type among new orders of the same call: the call writes nothing,
// then the others are stored and that one is refused.
TEST_F(StoreRefusalTest, AnOrderKeyOfAnotherTypeAmongNewOrdersIsRefusedAlone) {
    const std::vector batch = {entry(0), entry(1), entry(2)};
    command(
        {"SET", order_key(group_, batch[1].partition, batch[1].order->order_id), "not an order"});
    EXPECT_EQ(write(batch), (std::vector{WriteOutcome::kApplied, WriteOutcome::kDeadLettered,
                                         WriteOutcome::kApplied}));
    expect_refused(1, RefusalKind::kStoreRefused, "holds a string, not an order hash");
    EXPECT_EQ(command({"GET", order_key(group_, batch[1].partition, batch[1].order->order_id)}).str,
              "not an order");
    EXPECT_EQ(store_.stats().processed, 2);
}

TEST_F(StoreRefusalTest, StatsOfAnotherTypeFailTheWriteWithoutWritingAnything) {
    command({"SET", stats_key(group_, 0), "0"});
    auto e = entry(0);
    EXPECT_THROW(write({e}), RedisError);
    EXPECT_TRUE(order_and_customer_keys().empty());
    EXPECT_EQ(command({"EXISTS", offsets_key(group_, 0)}).integer, 0);
}

TEST_F(StoreRefusalTest, EmptyLongAndNegativeValuesAreRefused) {
    auto empty_id = entry(0);
    empty_id.order->order_id.clear();
    auto long_customer = entry(1);
    long_customer.order->customer_id = std::string(200 * 1024, 'c');
    auto negative = entry(2);
    negative.order->items[0].unit_price_cents = -100;
    negative.order->total_cents = orders::items_total_cents(*negative.order);
    auto empty_customer = entry(3);
    empty_customer.order->customer_id.clear();
    EXPECT_EQ(write({empty_id, long_customer, negative, empty_customer}),
              std::vector(4, WriteOutcome::kDeadLettered));
    const auto refusals = store_.take_refusals();
    ASSERT_EQ(refusals.size(), 4U);
    EXPECT_NE(refusals[0].reason.find("is not a UUID"), std::string::npos);
    EXPECT_NE(refusals[1].reason.find("customer_id of 204800 bytes"), std::string::npos);
    EXPECT_NE(refusals[2].reason.find("unit price -100 is negative"), std::string::npos);
    EXPECT_NE(refusals[3].reason.find("customer_id is empty"), std::string::npos);
    EXPECT_TRUE(order_and_customer_keys().empty());
}

TEST_F(StoreRefusalTest, AnOrderIdBackWithOtherContentIsAConflictingDuplicate) {
    const auto first = entry(0);
    auto conflicting = entry(1);
    conflicting.order->order_id = first.order->order_id;
    conflicting.order->customer_id = first.order->customer_id + "-other";
    auto redelivered = first;
    redelivered.offset = 2;
    ASSERT_EQ(write({first}), std::vector{WriteOutcome::kApplied});
    const auto customer = customer_key(group_, first.partition, first.order->customer_id);
    const auto spent = command({"HGET", customer, "total_spent_cents"}).str;

    EXPECT_EQ(write({conflicting, redelivered}),
              (std::vector{WriteOutcome::kDeadLettered, WriteOutcome::kDuplicate}));
    expect_refused(0, RefusalKind::kConflictingDuplicate,
                   "order " + first.order->order_id + " is stored with another customer_id");
    EXPECT_EQ(
        command({"HGET", order_key(group_, first.partition, first.order->order_id), "customer_id"})
            .str,
        first.order->customer_id);
    EXPECT_EQ(command({"HGET", customer, "total_spent_cents"}).str, spent);
    const auto stats = store_.stats();
    EXPECT_EQ(stats.processed, 1);
    EXPECT_EQ(stats.dead_lettered, 1);
    EXPECT_EQ(stats.duplicates_skipped, 1);

    // One changed field is enough, and a retry reports it again without counting it again.
    auto changed_status = first;
    changed_status.offset = 3;
    changed_status.order->status = "CANCELLED";
    EXPECT_EQ(write({changed_status}), std::vector{WriteOutcome::kDeadLettered});
    expect_refused(0, RefusalKind::kConflictingDuplicate, "stored with another status");
    EXPECT_EQ(write({changed_status}), std::vector{WriteOutcome::kDuplicate});
    expect_refused(0, RefusalKind::kConflictingDuplicate, "stored with another status");
    EXPECT_EQ(store_.stats().dead_lettered, 2);
}

}  // namespace
}  // namespace orderflow::redis
