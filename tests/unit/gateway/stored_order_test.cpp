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

}  // namespace
}  // namespace orderflow::gateway
