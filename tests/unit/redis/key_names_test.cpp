#include "redis/key_names.h"

#include "redis/key_slot.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace orderflow::redis {
namespace {

TEST(KeyNames, EveryKeyOfAPartitionCarriesItsTag) {
    const auto tag = partition_tag("orders-auto", 3);
    EXPECT_EQ(tag.rfind("{orders-auto:3:", 0), 0U) << tag;
    EXPECT_EQ(tag.back(), '}');
    EXPECT_EQ(order_key("orders-auto", 3, "0f8fad5b-d9cb-469f-a165-70867728950e"),
              "order:" + tag + ":0f8fad5b-d9cb-469f-a165-70867728950e");
    EXPECT_EQ(customer_key("orders-auto", 3, "cust-0001"), "customer:" + tag + ":cust-0001");
    EXPECT_EQ(customer_orders_key("orders-auto", 3, "cust-0001"),
              "customer:" + tag + ":cust-0001:orders");
    EXPECT_EQ(stats_key("orders-auto", 3), "stats:" + tag);
    EXPECT_EQ(offsets_key("orders-auto", 3), "offsets:" + tag);
    EXPECT_EQ(watch_key("orders-auto", 3, "t1"), "watch:" + tag + ":t1");
    EXPECT_EQ(partitions_key("orders-auto"), "partitions:orders-auto");
}

TEST(KeyNames, KeysOfOneStoreCallShareOneSlot) {
    for (std::int32_t p = 0; p < 64; ++p) {
        const auto slot = key_slot(stats_key("g", p));
        EXPECT_EQ(key_slot(offsets_key("g", p)), slot);
        EXPECT_EQ(key_slot(order_key("g", p, "o{1}")), slot);  // braces in ids are encoded
        EXPECT_EQ(key_slot(customer_key("g", p, "}c")), slot);
        EXPECT_EQ(key_slot(customer_orders_key("g", p, "c")), slot);
        EXPECT_EQ(key_slot(watch_key("g", p, "t")), slot);
    }
}

TEST(KeyNames, TheSpreadNumberPlacesEachTagNearItsTarget) {
    // The target of partition p is p x 0.618... mod 1 of the slot space (the golden-ratio
    // sequence) turned by the group's CRC16; the tag's slot lies within 256 slots after it.
    const std::string group = "orders-auto";
    const std::uint64_t turn = static_cast<std::uint64_t>(crc16_xmodem(group)) << 16;
    for (std::int32_t partition = 0; partition < 64; ++partition) {
        const auto point =
            (static_cast<std::uint64_t>(partition) * 0x9E3779B9ULL + turn) & 0xffffffffULL;
        const auto target = static_cast<std::uint32_t>((point * slot_count) >> 32);
        const std::uint32_t slot = key_slot(stats_key(group, partition));
        EXPECT_LT((slot + slot_count - target) % slot_count, 256U) << "partition " << partition;
        EXPECT_EQ(partition_tag(group, partition),
                  "{" + group + ":" + std::to_string(partition) + ":" +
                      std::to_string(spread_number(group, partition)) + "}");
    }
}

TEST(KeyNames, TheTagsOfTheDefaultGroups) {
    // Pinned here and in tests/unit/bench/test_store_keys.py: bench/store_keys.py reads the
    // same keys, and data written by one version must be found by the next.
    const std::vector<std::string> expected = {"{orders-auto:0:63}", "{orders-auto:1:39}",
                                               "{orders-auto:2:31}", "{orders-auto:3:129}",
                                               "{orders-auto:4:18}"};
    for (std::int32_t p = 0; p < 5; ++p) {
        EXPECT_EQ(partition_tag("orders-auto", p), expected[static_cast<std::size_t>(p)]);
    }
    EXPECT_EQ(partition_tag("orders-batch", 2), "{orders-batch:2:1}");
}

TEST(KeyNames, AGroupsFivePartitionsSpreadTwoTwoOneOverThreeEqualMasters) {
    // redis-cli --cluster create splits the slots in three equal ranges: whatever the group,
    // no master serves more than 2 of its 5 partitions (40 %), so none holds more than 60 % of
    // the keys unless the customers' keys are that skewed (docs/redis-cluster.md).
    std::vector<std::string> groups = {"orders-auto", "orders-batch"};
    for (int i = 0; i < 300; ++i) {
        groups.push_back("group-" + std::to_string(i * 7919));
    }
    for (const auto& group : groups) {
        std::map<int, int> per_master;
        for (std::int32_t p = 0; p < 5; ++p) {
            const auto slot = key_slot(stats_key(group, p));
            ++per_master[slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2];
        }
        for (const auto& [master, count] : per_master) {
            EXPECT_LE(count, 2) << group << " on master " << master;
        }
    }
}

TEST(KeyNames, KeysNameTheirIdAndPartition) {
    const auto key = order_key("g", 12, "b:x");
    EXPECT_EQ(order_id_of("g", key), "b:x");
    EXPECT_EQ(partition_of("g", key), 12);
    EXPECT_EQ(customer_id_of("g", customer_orders_key("g", 7, "c")), "c");
    EXPECT_EQ(partition_of("g", customer_key("g", 7, "c")), 7);
    EXPECT_EQ(order_id_of("g", "order:{g:x:0}:o"), std::nullopt);  // not a partition number
    EXPECT_EQ(order_id_of("g", "order:g:o"), std::nullopt);        // no tag
    EXPECT_EQ(partition_of("g", "order:{g:99999999999:0}:o"), std::nullopt);
    EXPECT_EQ(group_of_partitions_key(partitions_key("a:b{c}*")), "a:b{c}*");
}

TEST(KeyNames, ACustomerNamedLikeASortedSetGetsItsOwnKey) {
    const auto set_of_c1 = customer_orders_key("g", 0, "c1");
    const auto hash_of_other = customer_key("g", 0, "c1:orders");
    EXPECT_NE(set_of_c1, hash_of_other);
    EXPECT_EQ(hash_of_other, "customer:" + partition_tag("g", 0) + ":c1%3Aorders");
    EXPECT_EQ(customer_id_of("g", hash_of_other), "c1:orders");
    EXPECT_EQ(customer_id_of("g", set_of_c1), "c1");
}

TEST(KeyNames, GroupsWithSeparatorsNeverShareKeys) {
    // Without encoding, group "a:b" + order "x" and group "a" + order "b:x" were one key.
    EXPECT_NE(order_key("a:b", 0, "x"), order_key("a", 0, "b:x"));
    EXPECT_EQ(order_id_of("a", order_key("a", 0, "b:x")), "b:x");
    EXPECT_EQ(order_id_of("a", order_key("a:b", 0, "x")), std::nullopt);
    EXPECT_EQ(order_id_of("a", order_key("ab", 0, "x")), std::nullopt);
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
        keys.insert(customer_key("g", 1, id));
        keys.insert(customer_orders_key("g", 1, id));
    }
    EXPECT_EQ(keys.size(), ids.size() * 2);
}

TEST(KeyNames, PatternsMatchEveryPartitionOfOnlyTheirGroup) {
    EXPECT_EQ(order_key_pattern("g*"), "order:{g%2A:*");
    EXPECT_EQ(customer_key_pattern("g"), "customer:{g:*");
    EXPECT_EQ(order_key("g", 4, "o").rfind(order_key_prefix("g"), 0), 0U);
}

}  // namespace
}  // namespace orderflow::redis
