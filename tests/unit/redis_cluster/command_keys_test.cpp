#include "redis_cluster/command_keys.h"

#include "redis_cluster/slot_map.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace orderflow::redis_cluster {
namespace {

std::vector<std::string> keys_of(const redis::Command& args) {
    const auto keys = command_keys(args);
    return {keys.begin(), keys.end()};
}

using Keys = std::vector<std::string>;

TEST(CommandKeys, FindsTheKeysOfEachShape) {
    EXPECT_EQ(keys_of({"HSET", "order:{g}:1", "f", "v"}), Keys{"order:{g}:1"});
    EXPECT_EQ(keys_of({"get", "k"}), Keys{"k"});
    EXPECT_EQ(keys_of({"DEL", "a", "b", "c"}), (Keys{"a", "b", "c"}));
    EXPECT_EQ(keys_of({"MSET", "a", "1", "b", "2"}), (Keys{"a", "b"}));
    EXPECT_EQ(keys_of({"FCALL", "store", "2", "k1", "k2", "arg"}), (Keys{"k1", "k2"}));
    EXPECT_EQ(keys_of({"EVALSHA", "abc", "0", "arg"}), Keys{});
    EXPECT_EQ(keys_of({"FUNCTION", "LOAD", "#!lua name=x\n"}), Keys{});
    EXPECT_EQ(keys_of({"CLUSTER", "KEYSLOT", "k"}), Keys{});
    EXPECT_EQ(keys_of({"PING"}), Keys{});
}

TEST(CommandKeys, RefusesANumkeysThatDoesNotFit) {
    EXPECT_THROW(command_keys({"FCALL", "store", "3", "k1", "k2"}), RoutingError);
    EXPECT_THROW(command_keys({"FCALL", "store", "-1", "k1"}), RoutingError);
    EXPECT_THROW(command_keys({"FCALL", "store", "x"}), RoutingError);
    EXPECT_THROW(command_keys({"EVAL", "return 1"}), RoutingError);
}

TEST(CommonSlot, IsTheSlotOfKeysThatShareAHashTag) {
    const auto slot = common_slot({{"HSET", "order:{g1}:1", "f", "v"},
                                   {"FCALL", "store", "2", "stats:{g1}", "offsets:{g1}"}});
    ASSERT_TRUE(slot);
    EXPECT_EQ(*slot, redis::key_slot("g1"));
    EXPECT_FALSE(common_slot({{"PING"}, {"FUNCTION", "LIST"}}));
}

TEST(CommonSlot, RefusesKeysOfTwoSlotsNamingThem) {
    try {
        common_slot({{"GET", "foo"}, {"GET", "bar"}});
        FAIL() << "no RoutingError";
    } catch (const RoutingError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("\"foo\" in 12182"), std::string::npos) << message;
        EXPECT_NE(message.find("\"bar\" in 5061"), std::string::npos) << message;
    }
    EXPECT_THROW(common_slot({{"DEL", "{a}1", "{b}2"}}), RoutingError);
}

}  // namespace
}  // namespace orderflow::redis_cluster
