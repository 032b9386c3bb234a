// The slot function against Redis's own CLUSTER KEYSLOT on a real cluster node, for thousands of
// generated keys: plain, with tags, empty tags, unclosed and nested braces, and binary bytes.

#include "real_cluster.h"
#include "redis_cluster/slot_map.h"

#include <gtest/gtest.h>

#include <random>

namespace orderflow::redis_cluster {
namespace {

// Braces are drawn often, so most keys hold some tag shape; every byte value can appear.
std::string generated_key(std::mt19937& rng) {
    std::uniform_int_distribution<int> length(0, 24);
    std::uniform_int_distribution<int> kind(0, 9);
    std::uniform_int_distribution<int> byte(0, 255);
    std::string key;
    for (int i = length(rng); i > 0; --i) {
        const auto k = kind(rng);
        key += k == 0 ? '{' : k == 1 ? '}' : static_cast<char>(byte(rng));
    }
    return key;
}

TEST(ClusterKeySlot, MatchesRedisForThousandsOfKeys) {
    auto& cluster = test::RealCluster::shared();
    auto node = cluster.direct(cluster.ports()[0]);
    std::mt19937 rng(20261207);
    std::vector<std::string> keys = {"", "{}", "{", "}", "}{", "{}{a}", "a{b}{c}", "{{}}", "{a}}"};
    while (keys.size() < 4000) {
        keys.push_back(generated_key(rng));
    }
    std::vector<redis::Command> commands;
    for (const auto& key : keys) {
        commands.push_back({"CLUSTER", "KEYSLOT", key});
    }
    const auto replies = node.pipeline(commands);
    ASSERT_EQ(replies.size(), keys.size());
    int tagged = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        ASSERT_EQ(replies[i].type, REDIS_REPLY_INTEGER) << replies[i].str;
        EXPECT_EQ(key_slot(keys[i]), replies[i].integer) << "key #" << i;
        tagged += hash_tag(keys[i]).size() != keys[i].size() ? 1 : 0;
    }
    // The generator must really exercise the tag rule, not only whole-key hashing.
    EXPECT_GT(tagged, 500);
}

}  // namespace
}  // namespace orderflow::redis_cluster
