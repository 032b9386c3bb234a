#include "redis/store_call.h"

#include "orders/validation.h"
#include "redis/key_names.h"

#include <gtest/gtest.h>

namespace orderflow::redis {
namespace {

orders::Order valid_order() {
    orders::Order order;
    order.order_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    order.customer_id = "c1:orders";
    order.items = {{"SKU-1001", "Beans", 2, 1899}};
    order.total_cents = 2 * 1899;
    order.currency = "EUR";
    order.created_at_ms = 1'700'000'000'000;
    return order;
}

Reply integer(long long value) {
    Reply reply;
    reply.type = REDIS_REPLY_INTEGER;
    reply.integer = value;
    return reply;
}

Reply text(const std::string& value) {
    Reply reply;
    reply.type = REDIS_REPLY_STRING;
    reply.str = value;
    return reply;
}

Reply array(std::vector<Reply> elements) {
    Reply reply;
    reply.type = REDIS_REPLY_ARRAY;
    reply.elements = std::move(elements);
    return reply;
}

TEST(StoreCall, OnePartitionsOrdersAndDeadLettersShareOneCall) {
    const std::vector<StoreEntry> entries = {{"orders", 2, 7, valid_order()},
                                             {"orders", 2, 8, std::nullopt}};
    const auto call = store_call("fn", "g", entries, {0, 1}, {false, false}, "123");
    const auto names = order_fields(valid_order()).size();
    ASSERT_EQ(call.size(), 3 + 5 + 5 + names + 2 + names + 2);
    EXPECT_EQ(call[0], "FCALL");
    EXPECT_EQ(call[1], "fn");
    EXPECT_EQ(call[2], "5");                 // stats, offsets and the order's three keys
    const auto tag = partition_tag("g", 2);  // every key in partition 2's slot
    EXPECT_EQ(call[3], "stats:" + tag);
    EXPECT_EQ(call[4], "offsets:" + tag);
    EXPECT_EQ(call[5], "order:" + tag + ":0f8fad5b-d9cb-469f-a165-70867728950e");
    EXPECT_EQ(call[6], "customer:" + tag + ":c1%3Aorders");
    EXPECT_EQ(call[7], "customer:" + tag + ":c1%3Aorders:orders");
    EXPECT_EQ((Command{call.begin() + 8, call.begin() + 13}),
              (Command{"orders:2", "orders", "2", "123", std::to_string(names)}));
    EXPECT_EQ(call[13], "order_id");
    const auto first_entry = 13 + names;
    EXPECT_EQ(call[first_entry], "order");
    EXPECT_EQ(call[first_entry + 1], "7");
    EXPECT_EQ(call[first_entry + 2], valid_order().order_id);
    EXPECT_EQ((Command{call.end() - 2, call.end()}), (Command{"dead", "8"}));
}

TEST(StoreCall, AnEntryMarkedDeadIsSentWithoutItsOrderOrItsKeys) {
    const std::vector<StoreEntry> entries = {{"orders", 0, 3, valid_order()}};
    const auto call = store_call("fn", "g", entries, {0}, {true}, "1");
    EXPECT_EQ(call[2], "2");
    EXPECT_EQ((Command{call.end() - 2, call.end()}), (Command{"dead", "3"}));
}

TEST(StoreCall, AnOrderThatCannotBeStoredExactlyHasAReason) {
    auto order = valid_order();
    order.items[0].unit_price_cents = 9'200'000'000'000'000'000;
    order.total_cents = 9'200'000'000'000'000'000;
    const auto why = invalid_reason({"orders", 0, 3, order});
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("unit price 9200000000000000000 is above"), std::string::npos);
    EXPECT_FALSE(invalid_reason({"orders", 0, 3, valid_order()}));
    EXPECT_FALSE(invalid_reason({"orders", 0, 3, std::nullopt}));
}

TEST(StoreCall, EmptyAndHugeIdsAreRefused) {
    auto order = valid_order();
    order.order_id.clear();
    EXPECT_TRUE(invalid_reason({"orders", 0, 0, order}));
    order = valid_order();
    order.customer_id = std::string(200 * 1024, 'x');
    const auto why = invalid_reason({"orders", 0, 0, order});
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("customer_id of 204800 bytes"), std::string::npos);
}

TEST(PlanCalls, OneCallPerPartitionInBatchOrderCutAtTheBound) {
    std::vector<StoreEntry> entries;
    for (const auto& [topic, partition] : std::vector<std::pair<std::string, int>>{{"orders", 1},
                                                                                   {"orders", 0},
                                                                                   {"orders", 1},
                                                                                   {"other", 1},
                                                                                   {"orders", 1},
                                                                                   {"orders", 1}}) {
        entries.push_back({topic, partition, 0, std::nullopt});
    }
    EXPECT_EQ(plan_calls(entries, 250),
              (std::vector<std::vector<std::size_t>>{{0, 2, 4, 5}, {1}, {3}}));
    EXPECT_EQ(plan_calls(entries, 2),
              (std::vector<std::vector<std::size_t>>{{0, 2}, {1}, {3}, {4, 5}}));
    EXPECT_TRUE(plan_calls({}).empty());
}

TEST(ParseStoreReply, OneOutcomePerEntry) {
    const auto reply = parse_store_reply(array({integer(1), integer(0), integer(2)}), 3);
    EXPECT_TRUE(reply.refused.empty());
    EXPECT_EQ(reply.outcomes, (std::vector{WriteOutcome::kApplied, WriteOutcome::kDuplicate,
                                           WriteOutcome::kDeadLettered}));
}

TEST(ParseStoreReply, ARefusalNamesItsEntriesWithKindAndReason) {
    const auto reply = parse_store_reply(
        array({text("refused"), integer(2), text("conflicting-duplicate"), text("order x ..."),
               integer(3), text("store-refused"), text("holds a string")}),
        3);
    EXPECT_TRUE(reply.outcomes.empty());
    ASSERT_EQ(reply.refused.size(), 2U);
    EXPECT_EQ(reply.refused[0].entry, 1U);
    EXPECT_EQ(reply.refused[0].kind, RefusalKind::kConflictingDuplicate);
    EXPECT_EQ(reply.refused[0].reason, "order x ...");
    EXPECT_EQ(reply.refused[1].entry, 2U);
    EXPECT_EQ(reply.refused[1].kind, RefusalKind::kStoreRefused);
}

TEST(ParseStoreReply, AnythingElseIsARedisError) {
    EXPECT_THROW(parse_store_reply(text("OK"), 1), RedisError);
    EXPECT_THROW(parse_store_reply(array({integer(1)}), 2), RedisError);
    EXPECT_THROW(parse_store_reply(array({integer(3)}), 1), RedisError);
    EXPECT_THROW(parse_store_reply(array({text("1")}), 1), RedisError);
    EXPECT_THROW(parse_store_reply(array({text("refused"), integer(2), text("k"), text("r")}), 1),
                 RedisError);
    EXPECT_THROW(parse_store_reply(array({text("refused"), integer(1), text("k")}), 1), RedisError);
}

TEST(OrderFields, ItemsAreStoredAsJsonWithSortedKeysAndBadUtf8Replaced) {
    auto order = valid_order();
    order.items.push_back({"SKU-2", std::string("bad \xff byte"), 1, 5});
    const auto fields = order_fields(order);
    ASSERT_GE(fields.size(), 3U);
    EXPECT_EQ(fields[2].first, "items");
    EXPECT_EQ(fields[2].second,
              R"([{"name":"Beans","quantity":2,"sku":"SKU-1001","unit_price_cents":1899},)"
              R"({"name":"bad )"
              "\xEF\xBF\xBD"
              R"( byte","quantity":1,"sku":"SKU-2","unit_price_cents":5}])");
}

}  // namespace
}  // namespace orderflow::redis
