#include "orders/validation.h"

#include "orders/generator.h"

#include <gtest/gtest.h>

namespace orderflow::orders {
namespace {

Order valid_order() {
    Order order;
    order.order_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    order.customer_id = "cust-0001";
    order.items = {{"SKU-1001", "Beans", 2, 1899}, {"SKU-2001", "Mug", 1, 1250}};
    order.total_cents = 2 * 1899 + 1250;
    order.currency = "EUR";
    order.created_at_ms = 1'700'000'000'000;
    return order;
}

TEST(OrderValidation, AcceptsAValidOrder) {
    EXPECT_TRUE(validate(valid_order()).empty());
}

TEST(OrderValidation, RejectsNegativeQuantity) {
    auto order = valid_order();
    order.items[0].quantity = -1;
    order.total_cents = items_total_cents(order);
    EXPECT_EQ(validation_summary(order), "item 1 (SKU-1001): quantity -1 is not positive");
}

TEST(OrderValidation, RejectsZeroQuantity) {
    auto order = valid_order();
    order.items[1].quantity = 0;
    order.total_cents = items_total_cents(order);
    EXPECT_EQ(validation_summary(order), "item 2 (SKU-2001): quantity 0 is not positive");
}

TEST(OrderValidation, RejectsTotalThatDoesNotAddUp) {
    auto order = valid_order();
    order.total_cents += 1;
    EXPECT_EQ(validation_summary(order), "total_cents 5049 does not equal the items' sum 5048");
}

TEST(OrderValidation, RejectsNegativePrice) {
    auto order = valid_order();
    order.items[0].unit_price_cents = -5;
    order.total_cents = items_total_cents(order);
    EXPECT_NE(validation_summary(order).find("unit price -5 is negative"), std::string::npos);
}

TEST(OrderValidation, RejectsBadIdsCurrencyTimestampAndEmptyItems) {
    Order order;
    order.order_id = "not-a-uuid";
    order.currency = "eur";
    const auto problems = validate(order);
    ASSERT_EQ(problems.size(), 5U);
    EXPECT_EQ(problems[0], "order_id 'not-a-uuid' is not a UUID");
    EXPECT_EQ(problems[1], "customer_id is empty");
    EXPECT_EQ(problems[2], "the order has no items");
    EXPECT_EQ(problems[3], "currency 'eur' is not a three-letter ISO code");
    EXPECT_EQ(problems[4], "created_at 0 is not a positive timestamp");
}

TEST(OrderValidation, RejectsAnAmountPastTheExactRange) {
    auto order = valid_order();
    order.items = {{"SKU-1", "Gold", 1, 9'200'000'000'000'000'000}};
    order.total_cents = 9'200'000'000'000'000'000;
    EXPECT_EQ(validation_summary(order),
              "item 1 (SKU-1): unit price 9200000000000000000 is above 1000000000000000");
}

TEST(OrderValidation, RejectsItemsWhoseSumPassesTheBound) {
    auto order = valid_order();
    order.items = {{"SKU-1", "Gold", 1'000'000, kMaxAmountCents},
                   {"SKU-2", "Gold", 1'000'000, kMaxAmountCents}};
    order.total_cents = 1;
    EXPECT_FALSE(checked_items_total(order));
    EXPECT_EQ(validation_summary(order), "the items' sum is beyond 1000000000000000");
}

TEST(OrderValidation, AcceptsTheLargestAmount) {
    auto order = valid_order();
    order.items = {{"SKU-1", "Gold", 1, kMaxAmountCents}};
    order.total_cents = kMaxAmountCents;
    EXPECT_EQ(validation_summary(order), "");
}

TEST(OrderValidation, RejectsANegativeTotal) {
    auto order = valid_order();
    order.items = {{"SKU-1", "Free", 1, 0}};
    order.total_cents = -5;
    EXPECT_EQ(validation_summary(order), "total_cents -5 does not equal the items' sum 0");
    order.items = {};
    EXPECT_EQ(validate(order).at(1), "total_cents -5 does not equal the items' sum 0");
}

TEST(OrderValidation, RejectsALongCustomerId) {
    auto order = valid_order();
    order.customer_id = std::string(kMaxIdBytes, 'c');
    EXPECT_EQ(validation_summary(order), "");
    order.customer_id = std::string(200 * 1024, 'c');
    EXPECT_EQ(validation_summary(order), "customer_id of 204800 bytes is longer than 256");
}

TEST(OrderValidation, RejectsTooManyItems) {
    auto order = valid_order();
    order.items.assign(kMaxItems + 1, {"SKU-1", "Pin", 1, 1});
    order.total_cents = static_cast<std::int64_t>(kMaxItems + 1);
    EXPECT_EQ(validation_summary(order), "1001 items are more than 1000");
}

TEST(OrderValidation, UuidShape) {
    EXPECT_TRUE(is_uuid("0F8FAD5B-D9CB-469F-A165-70867728950E"));
    EXPECT_FALSE(is_uuid("0f8fad5b-d9cb-469f-a165-70867728950"));
    EXPECT_FALSE(is_uuid("0f8fad5bxd9cb-469f-a165-70867728950e"));
    EXPECT_FALSE(is_uuid("0f8fad5b-d9cb-469f-a165-70867728950g"));
}

TEST(OrderValidation, ProblemsNameTheirField) {
    auto order = valid_order();
    order.items[1].quantity = 0;
    order.currency = "eur";
    order.total_cents = items_total_cents(order);
    const auto found = problems(order);
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].field, "items[1].quantity");
    EXPECT_EQ(found[0].message, "item 2 (SKU-2001): quantity 0 is not positive");
    EXPECT_EQ(found[1].field, "currency");
}

TEST(OrderUuid, SetsVersionAndVariantBits) {
    const auto id = uuid_v4(~std::uint64_t{0}, 0);
    EXPECT_TRUE(is_uuid(id));
    EXPECT_EQ(id, "ffffffff-ffff-4fff-8000-000000000000");
}

}  // namespace
}  // namespace orderflow::orders
