#include "gateway/order_request.h"

#include "orders/validation.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace orderflow::gateway {
namespace {

using nlohmann::json;

constexpr const char* kId = "0f8fad5b-d9cb-469f-a165-70867728950e";

json valid_body() {
    return {{"customer_id", "cust-0001"},
            {"items",
             {{{"sku", "SKU-1001"}, {"name", "Beans"}, {"quantity", 2}, {"unit_price_cents", 1899}},
              {{"sku", "SKU-2001"}, {"name", "Mug"}, {"quantity", 1}, {"unit_price_cents", 1250}}}},
            {"currency", "EUR"},
            {"shipping_country", "DE"},
            {"payment_method", "paypal"}};
}

// The RequestError a body gets; fails the test when it is accepted.
RequestError refusal_of_text(const std::string& body) {
    try {
        parse_order(body, kId, 1'700'000'000'000);
    } catch (const RequestError& e) {
        return e;
    }
    ADD_FAILURE() << "accepted: " << body;
    return RequestError(0, "", "", "");
}

RequestError refusal(const json& body) {
    return refusal_of_text(body.dump());
}

TEST(OrderRequest, ParsesAValidOrderAndComputesTheTotal) {
    const auto order = parse_order(valid_body().dump(), kId, 1'700'000'000'000);
    EXPECT_EQ(order.order_id, kId);
    EXPECT_EQ(order.customer_id, "cust-0001");
    ASSERT_EQ(order.items.size(), 2u);
    EXPECT_EQ(order.items[1].name, "Mug");
    EXPECT_EQ(order.total_cents, 2 * 1899 + 1250);
    EXPECT_EQ(order.created_at_ms, 1'700'000'000'000);
    EXPECT_EQ(order.status, "PLACED");
    EXPECT_EQ(order.shipping_country, "DE");
    EXPECT_EQ(order.payment_method, "paypal");
    EXPECT_TRUE(orders::validate(order).empty());
}

TEST(OrderRequest, OptionalFieldsTakeTheSchemaDefaults) {
    auto body = valid_body();
    body.erase("shipping_country");
    body.erase("payment_method");
    body["items"][0].erase("name");
    const auto order = parse_order(body.dump(), kId, 1);
    EXPECT_EQ(order.shipping_country, "");
    EXPECT_EQ(order.payment_method, "card");
    EXPECT_EQ(order.items[0].name, "");
}

TEST(OrderRequest, RefusesWhatIsNotAnOrderObject) {
    EXPECT_EQ(refusal_of_text("{\"customer_id\": ").code(), "invalid_json");
    EXPECT_EQ(refusal_of_text("[1, 2]").code(), "not_an_object");
    EXPECT_EQ(refusal_of_text("{\"customer_id\": \"a\xff\"}").code(), "invalid_json");
    const auto deep = refusal_of_text(R"({"customer_id": {"a": {"b": {"c": 1}}}})");
    EXPECT_EQ(deep.code(), "invalid_json");
    EXPECT_EQ(deep.status(), 400);
    // A number past a double is nlohmann's out_of_range, not a parse_error (found by fuzzing).
    const auto huge = refusal_of_text(R"({"customer_id": 9e999})");
    EXPECT_EQ(huge.code(), "invalid_json");
    EXPECT_EQ(huge.status(), 400);
}

TEST(OrderRequest, NamesUnknownMissingAndMistypedFields) {
    auto body = valid_body();
    body["total_cents"] = 1;  // the gateway computes it
    auto error = refusal(body);
    EXPECT_EQ(error.code(), "unknown_field");
    EXPECT_EQ(error.field(), "total_cents");

    body = valid_body();
    body["items"][1]["colour"] = "red";
    EXPECT_EQ(refusal(body).field(), "items[1].colour");

    body = valid_body();
    body.erase("currency");
    error = refusal(body);
    EXPECT_EQ(error.code(), "missing_field");
    EXPECT_EQ(error.field(), "currency");

    body = valid_body();
    body["items"][0]["quantity"] = "2";
    error = refusal(body);
    EXPECT_EQ(error.code(), "wrong_type");
    EXPECT_EQ(error.field(), "items[0].quantity");

    body = valid_body();
    body["items"][0]["quantity"] = 1.5;
    EXPECT_EQ(refusal(body).code(), "wrong_type");

    body = valid_body();
    body["items"] = json::object();
    EXPECT_EQ(refusal(body).field(), "items");
}

TEST(OrderRequest, AppliesTheStoreBoundsWithTheirField) {
    auto body = valid_body();
    body["items"][1]["quantity"] = 0;
    auto error = refusal(body);
    EXPECT_EQ(error.code(), "invalid_value");
    EXPECT_EQ(error.field(), "items[1].quantity");

    body["items"][1]["quantity"] = std::int64_t{orders::kMaxQuantity} + 1;
    EXPECT_EQ(refusal(body).field(), "items[1].quantity");
    body["items"][1]["quantity"] = std::int64_t{1} << 40;  // beyond int32: still named
    EXPECT_EQ(refusal(body).field(), "items[1].quantity");

    body = valid_body();
    body["items"][0]["unit_price_cents"] = -1;
    EXPECT_EQ(refusal(body).field(), "items[0].unit_price_cents");
    body["items"][0]["unit_price_cents"] = std::uint64_t{1} << 63;
    error = refusal(body);
    EXPECT_EQ(error.code(), "out_of_range");
    EXPECT_EQ(error.field(), "items[0].unit_price_cents");

    body = valid_body();  // each price fine, the sum over 10^15
    body["items"][0]["quantity"] = 1000;
    body["items"][0]["unit_price_cents"] = orders::kMaxAmountCents;
    EXPECT_EQ(refusal(body).field(), "items");

    body = valid_body();
    body["items"] = json::array();
    EXPECT_EQ(refusal(body).field(), "items");

    body = valid_body();
    body["customer_id"] = "";
    EXPECT_EQ(refusal(body).field(), "customer_id");
    body["customer_id"] = std::string(orders::kMaxIdBytes + 1, 'c');
    error = refusal(body);
    EXPECT_EQ(error.code(), "out_of_range");
    EXPECT_EQ(error.field(), "customer_id");

    body = valid_body();
    body["currency"] = "eur";
    EXPECT_EQ(refusal(body).field(), "currency");
    body["currency"] = "EURO";
    EXPECT_EQ(refusal(body).field(), "currency");
}

TEST(OrderRequest, CountsItemsBeforeReadingThem) {
    auto body = valid_body();
    body["items"] = json::array();
    for (std::size_t i = 0; i <= orders::kMaxItems; ++i) {
        body["items"].push_back("not even an item");
    }
    const auto error = refusal(body);
    EXPECT_EQ(error.code(), "out_of_range");
    EXPECT_EQ(error.field(), "items");
}

TEST(OrderRequest, ChecksTheGatewaysOwnFields) {
    auto body = valid_body();
    body["shipping_country"] = "Deutschland";
    EXPECT_EQ(refusal(body).field(), "shipping_country");
    body["shipping_country"] = "de";
    EXPECT_EQ(refusal(body).code(), "invalid_value");
    body = valid_body();
    body["payment_method"] = "Card; DROP";
    EXPECT_EQ(refusal(body).field(), "payment_method");
    body["payment_method"] = "";
    EXPECT_EQ(refusal(body).field(), "payment_method");
    body = valid_body();
    body["items"][0]["sku"] = std::string(kMaxSkuBytes + 1, 's');
    EXPECT_EQ(refusal(body).field(), "items[0].sku");
    body["items"][0]["sku"] = "";
    EXPECT_EQ(refusal(body).field(), "items[0].sku");
}

TEST(OrderRequest, ErrorBodyHasCodeMessageAndField) {
    const auto body = json::parse(error_body("invalid_value", "bad \xff", "items[0].sku"));
    EXPECT_EQ(body["error"]["code"], "invalid_value");
    EXPECT_EQ(body["error"]["field"], "items[0].sku");
    EXPECT_EQ(body["error"]["message"], "bad \xEF\xBF\xBD");  // invalid UTF-8 replaced
    EXPECT_EQ(json::parse(error_body("not_found", "gone"))["error"]["field"], "");
}

}  // namespace
}  // namespace orderflow::gateway
