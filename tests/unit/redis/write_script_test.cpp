#include "redis/write_script.h"

#include "orders/validation.h"

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

TEST(WriteCall, AValidOrderIsSentWithItsKeysAndComparedFields) {
    std::optional<std::string> refused;
    const auto call = write_call("sha", "g", {"orders", 2, 7, valid_order()}, "123", refused);
    EXPECT_FALSE(refused);
    ASSERT_GE(call.size(), 15U);
    EXPECT_EQ(call[2], "5");  // keys
    EXPECT_EQ(call[5], "order:g:0f8fad5b-d9cb-469f-a165-70867728950e");
    EXPECT_EQ(call[6], "customer:g:c1%3Aorders");
    EXPECT_EQ(call[7], "customer:g:c1%3Aorders:orders");
    EXPECT_EQ(call[8], "order");
    EXPECT_EQ(call[9], "orders:2");
    EXPECT_EQ(call[14], std::to_string(order_fields(valid_order()).size()));
    EXPECT_EQ(call[15], "order_id");
    EXPECT_EQ(call.back(), "123");
}

TEST(WriteCall, AnOrderThatCannotBeStoredExactlyIsSentAsADeadLetter) {
    auto order = valid_order();
    order.items[0].unit_price_cents = 9'200'000'000'000'000'000;
    order.total_cents = 9'200'000'000'000'000'000;
    std::optional<std::string> refused;
    const auto call = write_call("sha", "g", {"orders", 0, 3, order}, "1", refused);
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->find("unit price 9200000000000000000 is above"), std::string::npos);
    EXPECT_EQ(call,
              (Command{"EVALSHA", "sha", "2", "stats:g", "offsets:g", "dead", "orders:0", "3"}));
}

TEST(WriteCall, EmptyAndHugeIdsAreRefused) {
    std::optional<std::string> refused;
    auto order = valid_order();
    order.order_id.clear();
    write_call("sha", "g", {"orders", 0, 0, order}, "1", refused);
    EXPECT_TRUE(refused);
    order = valid_order();
    order.customer_id = std::string(200 * 1024, 'x');
    write_call("sha", "g", {"orders", 0, 0, order}, "1", refused);
    ASSERT_TRUE(refused);
    EXPECT_NE(refused->find("customer_id of 204800 bytes"), std::string::npos);
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

TEST(WriteScript, CarriesTheValidationBounds) {
    const std::string script(write_script());
    EXPECT_NE(script.find(std::to_string(orders::kMaxCustomerTotalCents)), std::string::npos);
    EXPECT_NE(script.find(std::to_string(orders::kMaxAmountCents)), std::string::npos);
}

}  // namespace
}  // namespace orderflow::redis
