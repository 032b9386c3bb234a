#include "orders/order.h"

#include <gtest/gtest.h>

#include <string>

namespace orderflow::orders {
namespace {

Order two_items() {
    Order order;
    order.order_id = "o-1";
    order.customer_id = "c-1";
    order.items = {{"SKU-1", "Beans", 2, 1899}, {"SKU-2", std::string("bad \xff byte"), 1, -5}};
    order.total_cents = 3793;
    order.currency = "EUR";
    order.created_at_ms = 1'700'000'000'000;
    return order;
}

TEST(OrderJson, ListsEveryFieldInDeclarationOrderWithItemsInline) {
    EXPECT_EQ(to_json(two_items()),
              R"({"order_id":"o-1","customer_id":"c-1","items":[)"
              R"({"sku":"SKU-1","name":"Beans","quantity":2,"unit_price_cents":1899},)"
              R"({"sku":"SKU-2","name":"bad )"
              "\xEF\xBF\xBD"
              R"( byte","quantity":1,"unit_price_cents":-5}],)"
              R"("total_cents":3793,"currency":"EUR","created_at":1700000000000,)"
              R"("status":"PLACED","payment_method":"card","shipping_country":""})");
}

TEST(OrderJson, NoItemsIsAnEmptyArray) {
    Order order;
    EXPECT_NE(to_json(order).find(R"("items":[])"), std::string::npos);
}

}  // namespace
}  // namespace orderflow::orders
