#include "redis_browser/order_views.h"

#include "common/settings.h"
#include "orders/generator.h"
#include "redis/connection.h"
#include "redis/order_store.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace orderflow::redis_browser {
namespace {

constexpr std::int64_t kStoredAt = 1'800'000'000'123;

class OrderViewsTest : public ::testing::Test {
protected:
    redis::Connection redis_{redis::parse_redis_url("REDIS_URL", test::shared_stack().redis_url)};
    std::string auto_group_ = test::unique_name("views-auto");
    std::string batch_group_ = test::unique_name("views-batch");
    std::vector<std::string> groups_ = {auto_group_, batch_group_};
    orders::OrderGenerator generator_{5, 1};  // one customer: every order counts into it

    redis::StoreEntry entry(std::int32_t partition, std::int64_t offset) {
        return {"orders", partition, offset, generator_.next()};
    }
};

TEST_F(OrderViewsTest, AnOrderInEachGroupWithItsRecordStoredAtAndCustomer) {
    auto first = entry(3, 41);
    first.order->items[0].name = "<img src=x onerror=alert(1)>";
    const auto second = entry(1, 7);
    first.order->created_at_ms = second.order->created_at_ms + 1;  // the newer of the two
    redis::OrderStore auto_store(redis_, auto_group_);
    redis::OrderStore batch_store(redis_, batch_group_);
    ASSERT_EQ(auto_store.write({first, second}, kStoredAt),
              std::vector(2, redis::WriteOutcome::kApplied));
    ASSERT_EQ(batch_store.write({second}, kStoredAt + 5),
              std::vector{redis::WriteOutcome::kApplied});

    const auto view = lookup_order(redis_, groups_, first.order->order_id);
    ASSERT_TRUE(view.found());
    ASSERT_EQ(view.groups.size(), 2U);
    EXPECT_FALSE(view.groups.at(batch_group_).has_value());  // the batch group never stored it
    const auto& stored = *view.groups.at(auto_group_);
    EXPECT_EQ(stored.order.key,
              redis::order_key(auto_group_, first.partition, first.order->order_id));
    EXPECT_EQ(stored.stored_at_ms, kStoredAt);
    ASSERT_TRUE(stored.position);
    EXPECT_EQ(stored.position->topic, "orders");
    EXPECT_EQ(stored.position->partition, 3);
    EXPECT_EQ(stored.position->offset, 41);
    EXPECT_EQ(stored.order.fields.at("customer_id"), first.order->customer_id);
    EXPECT_NE(stored.order.fields.at("items").find("<img src=x onerror=alert(1)>"),
              std::string::npos);
    ASSERT_TRUE(stored.customer);
    EXPECT_EQ(stored.customer->key,
              redis::customer_key(auto_group_, first.partition, first.order->customer_id));
    // The customer's piece of the order's partition (the other order is in partition 1).
    EXPECT_EQ(stored.customer->fields.at("orders_count"), "1");
    EXPECT_EQ(stored.customer->fields.at("total_spent_cents"),
              std::to_string(first.order->total_cents));

    const auto json = to_json(view);
    EXPECT_EQ(json["order_id"], first.order->order_id);
    EXPECT_TRUE(json["groups"][batch_group_].is_null());
    const auto& group = json["groups"][auto_group_];
    EXPECT_EQ(group["stored_at_ms"], kStoredAt);
    EXPECT_EQ(group["partition"], 3);
    EXPECT_EQ(group["offset"], 41);
    EXPECT_EQ(group["fields"]["stored_at"], std::to_string(kStoredAt));
    EXPECT_EQ(group["customer"]["fields"]["orders_count"], "1");

    const auto both = lookup_order(redis_, groups_, second.order->order_id);
    EXPECT_EQ(both.groups.at(batch_group_)->stored_at_ms, kStoredAt + 5);
    EXPECT_EQ(both.groups.at(batch_group_)->customer->fields.at("orders_count"), "1");

    // The customer view sums the pieces of every partition, newest orders first.
    const auto customer = lookup_customer(redis_, groups_, first.order->customer_id, 10);
    const auto& in_auto = *customer.groups.at(auto_group_);
    EXPECT_EQ(in_auto.orders_count, 2);
    EXPECT_EQ(in_auto.total_spent_cents, first.order->total_cents + second.order->total_cents);
    EXPECT_EQ(in_auto.orders_total, 2);
    EXPECT_EQ(in_auto.orders, (std::vector{first.order->order_id, second.order->order_id}));
    EXPECT_EQ(customer.groups.at(batch_group_)->orders_count, 1);
}

TEST_F(OrderViewsTest, AnUnknownOrderOrCustomerIsNotFound) {
    const auto order = lookup_order(redis_, groups_, "no-such-order");
    EXPECT_FALSE(order.found());
    EXPECT_EQ(order.groups.size(), 2U);
    EXPECT_TRUE(to_json(order)["groups"][auto_group_].is_null());
    EXPECT_FALSE(lookup_customer(redis_, groups_, "no-such-customer").found());
    EXPECT_THROW(lookup_order(redis_, groups_, ""), BadRequest);
    EXPECT_THROW(lookup_customer(redis_, groups_, ""), BadRequest);
    EXPECT_THROW(lookup_customer(redis_, groups_, "c", kMaxCount + 1), BadRequest);
}

TEST_F(OrderViewsTest, ACustomerAcrossGroupsNewestOrdersFirst) {
    std::vector<redis::StoreEntry> entries;
    for (int i = 0; i < 5; ++i) {
        entries.push_back(entry(0, i));
        entries.back().order->created_at_ms = 1'000'000 + i;  // a known order of creation
    }
    redis::OrderStore auto_store(redis_, auto_group_);
    ASSERT_EQ(auto_store.write(entries, kStoredAt), std::vector(5, redis::WriteOutcome::kApplied));
    const auto& customer_id = entries[0].order->customer_id;

    const auto view = lookup_customer(redis_, groups_, customer_id, 3);
    ASSERT_TRUE(view.found());
    EXPECT_FALSE(view.groups.at(batch_group_).has_value());
    const auto& customer = *view.groups.at(auto_group_);
    EXPECT_EQ(customer.orders_count, 5);
    std::int64_t spent = 0;
    for (const auto& e : entries) {
        spent += e.order->total_cents;
    }
    EXPECT_EQ(customer.total_spent_cents, spent);
    EXPECT_EQ(customer.orders_total, 5);
    EXPECT_EQ(customer.orders, (std::vector{entries[4].order->order_id, entries[3].order->order_id,
                                            entries[2].order->order_id}));
    const auto json = to_json(view);
    EXPECT_EQ(json["customer_id"], customer_id);
    EXPECT_EQ(json["groups"][auto_group_]["orders"].size(), 3U);
    EXPECT_EQ(json["groups"][auto_group_]["total_spent_cents"], spent);
    EXPECT_TRUE(json["groups"][batch_group_].is_null());
}

TEST_F(OrderViewsTest, GroupStatsCountOrdersDuplicatesDeadLettersAndCustomers) {
    redis::OrderStore store(redis_, auto_group_);
    const auto a = entry(0, 0);
    auto b = entry(0, 1);
    b.order->customer_id = "another-customer";
    const redis::StoreEntry dead{"orders", 0, 2, std::nullopt};
    store.write({a, b, dead}, kStoredAt);
    store.write({a}, kStoredAt);  // a redelivery

    const auto stats = group_stats(redis_, groups_);
    ASSERT_EQ(stats.groups.size(), 2U);
    const auto& counts = stats.groups[0];
    EXPECT_EQ(counts.group, auto_group_);
    EXPECT_EQ(counts.orders, 2);
    EXPECT_EQ(counts.duplicates, 1);
    EXPECT_EQ(counts.dead, 1);
    EXPECT_EQ(counts.customers, 2);
    const auto& empty = stats.groups[1];  // nothing stored yet: zeros, customers unknown
    EXPECT_EQ(empty.orders, 0);
    EXPECT_FALSE(empty.customers.has_value());

    const auto json = to_json(stats);
    EXPECT_EQ(json["groups"][0]["group"], auto_group_);
    EXPECT_EQ(json["groups"][0]["customers"], 2);
    EXPECT_TRUE(json["groups"][1]["customers"].is_null());

    const auto discovered = discover_groups(redis_);
    EXPECT_NE(std::find(discovered.begin(), discovered.end(), auto_group_), discovered.end());
    EXPECT_EQ(std::find(discovered.begin(), discovered.end(), batch_group_), discovered.end());
}

// Ids and groups holding key separators are encoded by the writer; the views find them by
// the ids themselves and never mistake one customer's sorted set for another customer.
TEST_F(OrderViewsTest, IdsAndGroupsWithSeparatorsAreFoundByTheirOwnNames) {
    const auto group = test::unique_name("views:odd{group}");
    auto c1 = entry(0, 0);
    auto other = entry(0, 1);
    c1.order->customer_id = "c1";
    other.order->customer_id = "c1:orders";
    redis::OrderStore store(redis_, group);
    ASSERT_EQ(store.write({c1, other}, kStoredAt), std::vector(2, redis::WriteOutcome::kApplied));

    const auto discovered = discover_groups(redis_);
    EXPECT_NE(std::find(discovered.begin(), discovered.end(), group), discovered.end());
    const auto customer = lookup_customer(redis_, {group}, "c1:orders", 10);
    ASSERT_TRUE(customer.groups.at(group).has_value());
    EXPECT_EQ(customer.groups.at(group)->orders, std::vector{other.order->order_id});
    EXPECT_EQ(customer.groups.at(group)->orders_count, 1);
    const auto order = lookup_order(redis_, {group}, other.order->order_id);
    ASSERT_TRUE(order.groups.at(group).has_value());
    ASSERT_TRUE(order.groups.at(group)->customer);
    EXPECT_EQ(order.groups.at(group)->customer->key, redis::customer_key(group, 0, "c1:orders"));
    EXPECT_EQ(order.groups.at(group)->customer->fields.at("orders_count"), "1");
}

}  // namespace
}  // namespace orderflow::redis_browser
