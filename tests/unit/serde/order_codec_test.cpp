#include "serde/order_codec.h"

#include "orders/generator.h"
#include "serde/order_schema.h"
#include "serde/schema_cache.h"
#include "serde/wire_format.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace orderflow::serde {
namespace {

using nlohmann::json;

orders::Order sample_order() {
    orders::OrderGenerator generator(11, 10, [] { return std::int64_t{1'700'000'000'123}; });
    auto order = generator.next();
    order.status = "PAID";
    return order;
}

// Our schema with `change` applied to its field list.
std::string schema_with(const std::function<void(json&)>& change) {
    auto schema = json::parse(kOrderSchemaJson);
    change(schema["fields"]);
    return schema.dump();
}

TEST(OrderCodec, RoundTripWithOurSchema) {
    OrderEncoder encoder(kOrderSchemaJson);
    const AvroSchema schema(kOrderSchemaJson);
    const auto order = sample_order();
    EXPECT_EQ(decode_order(schema, encoder.encode(order)), order);
}

TEST(OrderCodec, EncoderIsReusable) {
    OrderEncoder encoder(kOrderSchemaJson);
    const AvroSchema schema(kOrderSchemaJson);
    orders::OrderGenerator generator(5);
    for (int i = 0; i < 50; ++i) {
        const auto order = generator.next();
        EXPECT_EQ(decode_order(schema, encoder.encode(order)), order);
    }
}

TEST(OrderCodec, KnownBytesForAMinimalOrder) {
    // Avro binary by hand: strings are zig-zag length + bytes, arrays are blocks + 0.
    orders::Order order;
    order.order_id = "a";
    order.customer_id = "c";
    order.items = {{"s", "n", 1, 2}};
    order.total_cents = 2;
    order.currency = "EUR";
    order.created_at_ms = 3;
    order.status = "P";
    order.payment_method = "x";
    order.shipping_country = "";
    OrderEncoder encoder(kOrderSchemaJson);
    const std::string expected(
        "\x02"
        "a\x02"
        "c\x02\x02s\x02n\x02\x04\x00\x04\x06"
        "EUR\x06\x02P\x02x\x00",
        23);
    EXPECT_EQ(encoder.encode(order), expected);
}

TEST(OrderCodec, NewerWriterWithExtraFieldDecodes) {
    const auto v2 = schema_with([](json& fields) {
        fields.push_back({{"name", "gift_wrap"}, {"type", "boolean"}, {"default", false}});
        fields.push_back(
            {{"name", "coupon"}, {"type", json::array({"null", "string"})}, {"default", nullptr}});
    });
    OrderEncoder encoder(v2);
    const AvroSchema writer(v2);
    const auto order = sample_order();
    EXPECT_EQ(decode_order(writer, encoder.encode(order)), order);
}

TEST(OrderCodec, OlderWriterWithoutOptionalFieldsGetsDefaults) {
    const auto v0 = schema_with([](json& fields) {
        fields.erase(fields.end() - 3, fields.end());  // status, payment_method, country
    });
    OrderEncoder encoder(v0);
    const AvroSchema writer(v0);
    const auto decoded = decode_order(writer, encoder.encode(sample_order()));
    EXPECT_EQ(decoded.status, orders::kDefaultStatus);
    EXPECT_EQ(decoded.payment_method, orders::kDefaultPaymentMethod);
    EXPECT_EQ(decoded.shipping_country, "");
    EXPECT_EQ(decoded.items, sample_order().items);
}

TEST(OrderCodec, IntLongAndNullableUnionsAreAccepted) {
    const auto variant = schema_with([](json& fields) {
        fields[3]["type"] = "int";                            // total_cents as int
        fields[4]["type"] = json::array({"null", "string"});  // currency nullable
    });
    OrderEncoder encoder(variant);
    const AvroSchema writer(variant);
    const auto order = sample_order();
    EXPECT_EQ(decode_order(writer, encoder.encode(order)), order);
}

TEST(OrderCodec, WriterWithoutRequiredFieldIsRejected) {
    const auto schema = schema_with([](json& fields) { fields.erase(fields.begin() + 3); });
    EXPECT_THROW(OrderEncoder{schema}, std::invalid_argument);
    // Bytes written without total_cents cannot become an order.
    const AvroSchema writer(schema);
    auto value = writer.new_value();
    EXPECT_THROW(decode_order(writer, AvroSchema::write(value.get())), DecodeError);
}

TEST(OrderCodec, EncoderRefusesUnknownFieldWithoutDefault) {
    const auto schema = schema_with([](json& fields) {
        fields.push_back({{"name", "loyalty_tier"}, {"type", "string"}});
    });
    try {
        OrderEncoder encoder(schema);
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("loyalty_tier"), std::string::npos);
    }
}

TEST(OrderCodec, TruncatedBytesAreUndecodable) {
    OrderEncoder encoder(kOrderSchemaJson);
    const AvroSchema schema(kOrderSchemaJson);
    const auto bytes = encoder.encode(sample_order());
    for (const std::size_t keep :
         {std::size_t{0}, std::size_t{1}, bytes.size() / 2, bytes.size() - 1}) {
        EXPECT_THROW(decode_order(schema, bytes.substr(0, keep)), DecodeError) << keep;
    }
}

TEST(OrderCodec, TrailingBytesAreUndecodable) {
    OrderEncoder encoder(kOrderSchemaJson);
    const AvroSchema schema(kOrderSchemaJson);
    EXPECT_THROW(decode_order(schema, encoder.encode(sample_order()) + "x"), DecodeError);
}

TEST(OrderCodec, InvalidSchemaTextIsAnAvroError) {
    EXPECT_THROW(AvroSchema{"{\"type\":\"nope\"}"}, AvroError);
}

TEST(SchemaCache, FetchesOncePerId) {
    int fetches = 0;
    SchemaCache cache([&fetches](int) {
        ++fetches;
        return std::string(kOrderSchemaJson);
    });
    const auto first = cache.get(3);
    const auto second = cache.get(3);
    EXPECT_EQ(first.get(), second.get());
    EXPECT_EQ(fetches, 1);
    cache.get(4);
    EXPECT_EQ(fetches, 2);
    EXPECT_EQ(cache.size(), 2U);
}

TEST(SchemaCache, FetchErrorsPassThroughAndAreNotCached) {
    int fetches = 0;
    SchemaCache cache([&fetches](int) -> std::string {
        if (++fetches == 1) {
            throw std::runtime_error("registry down");
        }
        return kOrderSchemaJson;
    });
    EXPECT_THROW(cache.get(1), std::runtime_error);
    EXPECT_NE(cache.get(1), nullptr);
}

TEST(SchemaCache, InvalidSchemaTextIsAnAvroError) {
    SchemaCache cache([](int) { return std::string("not json"); });
    EXPECT_THROW(cache.get(1), AvroError);
}

TEST(OrderCodec, FramedRoundTrip) {
    OrderEncoder encoder(kOrderSchemaJson);
    const AvroSchema schema(kOrderSchemaJson);
    const auto order = sample_order();
    const auto message = frame(17, encoder.encode(order));
    const auto unframed = unframe(message);
    EXPECT_EQ(unframed.schema_id, 17);
    EXPECT_EQ(decode_order(schema, unframed.payload), order);
}

}  // namespace
}  // namespace orderflow::serde
