#include "redis/key_names.h"

#include <gtest/gtest.h>

#include <set>

namespace orderflow::redis {
namespace {

TEST(KeyNames, PlainIdsKeepTheirNames) {
    EXPECT_EQ(order_key("orders-auto", "0f8fad5b-d9cb-469f-a165-70867728950e"),
              "order:orders-auto:0f8fad5b-d9cb-469f-a165-70867728950e");
    EXPECT_EQ(customer_key("orders-auto", "cust-0001"), "customer:orders-auto:cust-0001");
    EXPECT_EQ(customer_orders_key("orders-auto", "cust-0001"),
              "customer:orders-auto:cust-0001:orders");
    EXPECT_EQ(stats_key("orders-batch"), "stats:orders-batch");
    EXPECT_EQ(offsets_key("orders-batch"), "offsets:orders-batch");
}

TEST(KeyNames, ACustomerNamedLikeASortedSetGetsItsOwnKey) {
    const auto set_of_c1 = customer_orders_key("g", "c1");
    const auto hash_of_other = customer_key("g", "c1:orders");
    EXPECT_NE(set_of_c1, hash_of_other);
    EXPECT_EQ(hash_of_other, "customer:g:c1%3Aorders");
    EXPECT_EQ(customer_id_of("g", hash_of_other), "c1:orders");
    EXPECT_EQ(customer_id_of("g", set_of_c1), "c1");
}

TEST(KeyNames, GroupsWithSeparatorsNeverShareKeys) {
    // Without encoding, group "a:b" + order "x" and group "a" + order "b:x" were one key.
    EXPECT_NE(order_key("a:b", "x"), order_key("a", "b:x"));
    EXPECT_EQ(order_id_of("a", order_key("a", "b:x")), "b:x");
    EXPECT_EQ(order_id_of("a", order_key("a:b", "x")), std::nullopt);
    EXPECT_EQ(group_of_stats_key(stats_key("a:b{c}*")), "a:b{c}*");
}

TEST(KeyNames, EncodingRoundTripsEveryByte) {
    std::string all;
    for (int c = 0; c < 256; ++c) {
        all += static_cast<char>(c);
    }
    const auto encoded = encode_key_part(all);
    for (const char c : std::string(":{}*?[]\\\n")) {
        EXPECT_EQ(encoded.find(c), std::string::npos) << static_cast<int>(c);
    }
    EXPECT_EQ(decode_key_part(encoded), all);
}

TEST(KeyNames, DecodingRefusesWhatWasNeverWritten) {
    EXPECT_EQ(decode_key_part("a:b"), std::nullopt);   // a raw separator
    EXPECT_EQ(decode_key_part("a%3"), std::nullopt);   // cut short
    EXPECT_EQ(decode_key_part("a%3a"), std::nullopt);  // lower-case hex
    EXPECT_EQ(decode_key_part("a%41"), std::nullopt);  // 'A' is written as itself
    EXPECT_EQ(decode_key_part(""), "");
}

TEST(KeyNames, DistinctIdsGiveDistinctKeys) {
    const std::vector<std::string> ids = {
        "c1", "c1:orders", "c1%3Aorders", "c1%253Aorders", "{c1}", "c1*", ""};
    std::set<std::string> keys;
    for (const auto& id : ids) {
        keys.insert(customer_key("g", id));
        keys.insert(customer_orders_key("g", id));
    }
    EXPECT_EQ(keys.size(), ids.size() * 2);
}

TEST(KeyNames, PatternsMatchOnlyTheirGroup) {
    EXPECT_EQ(order_key_pattern("g*"), "order:g%2A:*");
    EXPECT_EQ(customer_key_pattern("g"), "customer:g:*");
}

}  // namespace
}  // namespace orderflow::redis
