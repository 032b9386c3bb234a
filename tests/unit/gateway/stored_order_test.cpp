#include "gateway/stored_order.h"

#include <gtest/gtest.h>

namespace orderflow::gateway {
namespace {

TEST(StoredOrder, TypesTheStoredFields) {
    const std::map<std::string, std::string> fields = {
        {"order_id", "0f8fad5b-d9cb-469f-a165-70867728950e"},
        {"customer_id", "cust-1"},
        {"items", R"([{"name":"Mug","quantity":1,"sku":"S-1","unit_price_cents":1250}])"},
        {"total_cents", "1250"},
        {"currency", "EUR"},
        {"created_at", "1700000000000"},
        {"status", "PLACED"},
        {"payment_method", "card"},
        {"shipping_country", "DE"},
        {"topic", "orders"},
        {"partition", "3"},
        {"offset", "42"},
        {"stored_at", "1700000000123"}};
    const auto answer = stored_order_json(fields, "orders-auto");
    EXPECT_EQ(answer["total_cents"], 1250);
    EXPECT_EQ(answer["created_at"], 1700000000000);
    EXPECT_EQ(answer["items"][0]["sku"], "S-1");
    EXPECT_EQ(answer["group"], "orders-auto");
    EXPECT_EQ(answer["stored_at_ms"], 1700000000123);
    EXPECT_EQ(answer["kafka"]["partition"], 3);
    EXPECT_EQ(answer["kafka"]["offset"], 42);
}

TEST(StoredOrder, KeepsWhatDoesNotParseAsText) {
    const auto answer = stored_order_json({{"items", "[not json"}, {"total_cents", "12x"}}, "g");
    EXPECT_EQ(answer["items"], "[not json");
    EXPECT_EQ(answer["total_cents"], "12x");
    EXPECT_FALSE(answer.contains("kafka"));
    EXPECT_EQ(answer["order_id"], "");
}

TEST(StoredOrder, ItemsNestedDeeperThanAnOrderStayText) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const auto answer = stored_order_json({{"items", deep}, {"currency", "\xff\xfe"}}, "g");
    EXPECT_EQ(answer["items"], deep);
    // Invalid UTF-8 from Redis is replaced when answered, never thrown on.
    const auto text = answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);
    EXPECT_EQ(stored_order_json({{"items", "[[[[1]]]]"}}, "g")["items"], "[[[[1]]]]");
    EXPECT_TRUE(stored_order_json({{"items", "[[1]]"}}, "g")["items"].is_array());
}

TEST(StoredCustomer, TypesTheTotalsAndListsTheLatestOrdersNewestFirstAsGiven) {
    const auto customer =
        stored_customer_json({{"orders_count", "2"}, {"total_spent_cents", "4990"}},
                             {{"7b0c1f9e-1111-4a2b-8c3d-000000000002", "1733600000500"},
                              {"7b0c1f9e-1111-4a2b-8c3d-000000000001", "1733600000000"}},
                             "c-7", "orders-auto");
    EXPECT_EQ(customer["customer_id"], "c-7");
    EXPECT_EQ(customer["group"], "orders-auto");
    EXPECT_EQ(customer["orders_count"], 2);
    EXPECT_EQ(customer["total_spent_cents"], 4990);
    ASSERT_EQ(customer["latest_orders"].size(), 2u);
    EXPECT_EQ(customer["latest_orders"][0]["order_id"], "7b0c1f9e-1111-4a2b-8c3d-000000000002");
    EXPECT_EQ(customer["latest_orders"][0]["created_at"], 1733600000500);
}

TEST(StoredCustomer, KeepsWhatDoesNotParseAsTextAndAnswersAnEmptyList) {
    const auto customer =
        stored_customer_json({{"orders_count", "two"}}, {{"x", "1.5e300"}}, "c", "g");
    EXPECT_EQ(customer["orders_count"], "two");
    EXPECT_EQ(customer["total_spent_cents"], "");
    EXPECT_EQ(customer["latest_orders"][0]["created_at"], "1.5e300");
    EXPECT_TRUE(stored_customer_json({}, {}, "c", "g")["latest_orders"].empty());
}

}  // namespace
}  // namespace orderflow::gateway
