#include "orders/generator.h"

#include "orders/validation.h"

#include <gtest/gtest.h>

#include <set>

namespace orderflow::orders {
namespace {

std::int64_t fixed_clock() {
    return 1'700'000'000'000;
}

TEST(OrderGenerator, SameSeedGivesSameOrders) {
    OrderGenerator a(42, 50, fixed_clock);
    OrderGenerator b(42, 50, fixed_clock);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(a.next(), b.next());
    }
}

TEST(OrderGenerator, DifferentSeedsGiveDifferentOrders) {
    OrderGenerator a(1, 50, fixed_clock);
    OrderGenerator b(2, 50, fixed_clock);
    EXPECT_NE(a.next().order_id, b.next().order_id);
}

TEST(OrderGenerator, OrdersAreValidAndIdsUnique) {
    OrderGenerator generator(7);
    std::set<std::string> ids;
    for (int i = 0; i < 2000; ++i) {
        const auto order = generator.next();
        EXPECT_TRUE(validate(order).empty()) << validation_summary(order);
        EXPECT_TRUE(ids.insert(order.order_id).second);
        EXPECT_EQ(order.order_id[14], '4');  // UUID version 4
        EXPECT_GE(order.items.size(), 1U);
        EXPECT_LE(order.items.size(), 4U);
        EXPECT_EQ(order.currency, "EUR");
        EXPECT_FALSE(order.shipping_country.empty());
    }
}

TEST(OrderGenerator, CustomersComeFromThePool) {
    OrderGenerator generator(3, 5, fixed_clock);
    std::set<std::string> customers;
    for (int i = 0; i < 200; ++i) {
        customers.insert(generator.next().customer_id);
    }
    EXPECT_EQ(customers, (std::set<std::string>{"cust-0001", "cust-0002", "cust-0003", "cust-0004",
                                                "cust-0005"}));
}

TEST(OrderGenerator, CreatedAtComesFromTheClock) {
    OrderGenerator generator(3, 5, fixed_clock);
    EXPECT_EQ(generator.next().created_at_ms, fixed_clock());
}

TEST(Order, JsonEscapesAndListsEveryField) {
    Order order;
    order.order_id = "id\"1";
    order.items = {{"S", "a\\b", 2, 150}};
    const auto text = to_json(order);
    EXPECT_NE(text.find(R"("order_id":"id\"1")"), std::string::npos);
    EXPECT_NE(text.find(R"("name":"a\\b")"), std::string::npos);
    EXPECT_NE(text.find(R"("quantity":2)"), std::string::npos);
    EXPECT_NE(text.find(R"("status":"PLACED")"), std::string::npos);
}

}  // namespace
}  // namespace orderflow::orders
