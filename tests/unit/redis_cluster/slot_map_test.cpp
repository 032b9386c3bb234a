#include "redis_cluster/slot_map.h"

#include <gtest/gtest.h>

namespace orderflow::redis_cluster {
namespace {

using redis::Reply;

Reply integer(long long value) {
    return Reply{REDIS_REPLY_INTEGER, value, "", {}};
}

Reply text(const std::string& value) {
    return Reply{REDIS_REPLY_STRING, 0, value, {}};
}

Reply array(std::vector<Reply> elements) {
    return Reply{REDIS_REPLY_ARRAY, 0, "", std::move(elements)};
}

Reply node(const std::string& host, long long port) {
    return array({text(host), integer(port), text("a-node-id")});
}

const NodeAddress asked{"10.0.0.9", 7009};

TEST(SlotMap, ReadsTheMastersOfEachRange) {
    const auto map = SlotMap::from_cluster_slots(
        array({array({integer(0), integer(5460), node("127.0.0.1", 7001), node("127.0.0.1", 7004)}),
               array({integer(5461), integer(10922), node("127.0.0.1", 7002)}),
               array({integer(10923), integer(16383), node("", 7003)})}),
        asked);
    EXPECT_EQ(map.master_of(0), (NodeAddress{"127.0.0.1", 7001}));
    EXPECT_EQ(map.master_of(5460), (NodeAddress{"127.0.0.1", 7001}));
    EXPECT_EQ(map.master_of(5461), (NodeAddress{"127.0.0.1", 7002}));
    // An empty host is the node that answered.
    EXPECT_EQ(map.master_of(16383), (NodeAddress{"10.0.0.9", 7003}));
    EXPECT_EQ(map.masters().size(), 3U);
    EXPECT_TRUE(map.complete());
}

TEST(SlotMap, KnowsWhereNoMasterServes) {
    auto map = SlotMap::from_cluster_slots(
        array({array({integer(100), integer(100), node("127.0.0.1", 7001)})}), asked);
    EXPECT_FALSE(map.master_of(99));
    EXPECT_FALSE(map.complete());
    map.assign(99, {"127.0.0.1", 7002});
    EXPECT_EQ(map.master_of(99), (NodeAddress{"127.0.0.1", 7002}));
    EXPECT_EQ(map.masters().size(), 2U);
    map.assign(100, {"127.0.0.1", 7002});
    EXPECT_EQ(map.masters(), (std::vector<NodeAddress>{{"127.0.0.1", 7002}}));
}

TEST(SlotMap, RefusesAReplyOfAnotherShapeNamingTheNode) {
    const Reply error{REDIS_REPLY_ERROR, 0, "ERR This instance has cluster support disabled", {}};
    const std::vector<Reply> bad = {
        error,
        text("OK"),
        array({text("x")}),
        array({array({integer(0), integer(16384), node("h", 1)})}),
        array({array({integer(10), integer(9), node("h", 1)})}),
        array({array({integer(-1), integer(9), node("h", 1)})}),
        array({array({integer(0), integer(9)})}),
        array({array({integer(0), integer(9), node("h", 0)})}),
        array({array({integer(0), integer(9), array({text("h")})})}),
        array({array({integer(0), integer(9), array({integer(1), integer(7001)})})}),
    };
    for (const auto& reply : bad) {
        try {
            SlotMap::from_cluster_slots(reply, asked);
            ADD_FAILURE() << "accepted a reply of type " << reply.type;
        } catch (const redis::RedisError& e) {
            EXPECT_NE(std::string(e.what()).find("10.0.0.9:7009"), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace orderflow::redis_cluster
