#include "serde/order_schema_fit.h"

#include "serde/avro_value.h"
#include "serde/order_schema.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace orderflow::serde {
namespace {

using nlohmann::json;

std::string mismatch(const std::string& schema_json) {
    const AvroSchema schema(schema_json);
    return order_schema_mismatch(schema.get()).value_or("");
}

std::string order_with(const std::function<void(json&)>& change) {
    auto schema = json::parse(kOrderSchemaJson);
    change(schema["fields"]);
    return schema.dump();
}

TEST(OrderSchemaFit, OurSchemaFits) {
    EXPECT_EQ(mismatch(kOrderSchemaJson), "");
}

TEST(OrderSchemaFit, NullableAndLongerFieldsFit) {
    EXPECT_EQ(mismatch(order_with([](json& fields) {
                  fields[0]["type"] = json::array({"null", "string"});
                  fields[3]["type"] = "int";
                  fields.push_back({{"name", "coupon"}, {"type", "string"}, {"default", ""}});
              })),
              "");
}

TEST(OrderSchemaFit, ForeignSchemasSayWhy) {
    EXPECT_EQ(mismatch(R"("string")"), "the writer schema is not a record");
    EXPECT_EQ(
        mismatch(R"({"type":"record","name":"N","fields":[{"name":"n","type":["null","N"]}]})"),
        "the writer schema has no field 'order_id'");
    EXPECT_EQ(mismatch(order_with([](json& fields) { fields[3]["type"] = "string"; })),
              "the writer schema field 'total_cents' is not an int or long");
    EXPECT_EQ(mismatch(order_with([](json& fields) {
                  fields[2]["type"]["items"]["fields"][2]["type"] = "double";
              })),
              "the writer schema field 'items' is not an array of item records");
    EXPECT_EQ(mismatch(order_with([](json& fields) {
                  fields[6]["type"] = "int";
                  fields[6].erase("default");
              })),
              "the writer schema field 'status' is not a string");
}

}  // namespace
}  // namespace orderflow::serde
