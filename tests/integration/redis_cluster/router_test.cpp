// The cluster router on the fixture's 6-node cluster (each test uses slots of its own): each key
// reaches its slot's master, keys of two slots are refused before anything is sent, a slot given to
// another master is found through MOVED, a migrating slot through ASK, and a redirect loop ends
// with an error.

#include "real_cluster.h"
#include "redis_cluster/cluster_connection.h"
#include "redis_cluster/command_keys.h"
#include "redis_cluster/slot_map.h"
#include "support/test_support.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace orderflow::redis_cluster {
namespace {

// The master of `slot` as the router's map has it, and another one.
struct TwoMasters {
    NodeAddress owner;
    NodeAddress other;
};

TwoMasters owner_and_other(const ClusterConnection& router, std::uint16_t slot) {
    const auto owner = router.master_of(slot);
    EXPECT_TRUE(owner);
    for (const auto& master : router.masters()) {
        if (master != *owner) {
            return {*owner, master};
        }
    }
    throw std::runtime_error("a single master");
}

std::string setslot(test::RealCluster& cluster,
                    std::uint16_t port,
                    std::uint16_t slot,
                    const std::string& how,
                    std::uint16_t node_port) {
    return cluster.direct(port)
        .command({"CLUSTER", "SETSLOT", std::to_string(slot), how, cluster.node_id(node_port)})
        .str;
}

// The keys whose slots the other tests move; the routing test's keys must not share their slots.
constexpr std::array<std::string_view, 3> moved_keys = {"moved{slot}", "{mig}", "loop{x}"};

TEST(ClusterRouter, SendsEachKeyToTheMasterOfItsSlot) {
    auto& cluster = test::RealCluster::shared();
    ClusterConnection router(cluster.seeds());
    ASSERT_EQ(router.masters().size(), 3U);
    std::map<std::uint16_t, std::unique_ptr<redis::Connection>> direct;
    std::set<std::uint16_t> used;
    for (int i = 0; i < 300; ++i) {
        const auto key = "order:{g" + std::to_string(i) + "}:1";
        for (const auto moved : moved_keys) {
            ASSERT_NE(key_slot(key), key_slot(moved)) << key << " shares a slot with " << moved;
        }
        ASSERT_EQ(router.command({"SET", key, std::to_string(i)}).str, "OK");
        const auto master = router.master_of(key_slot(key));
        ASSERT_TRUE(master);
        auto& connection = direct[master->port];
        if (!connection) {
            connection = std::make_unique<redis::Connection>(
                redis::RedisEndpoint{"127.0.0.1", master->port, 0, "", ""});
        }
        // Any other node would answer MOVED, not the value.
        EXPECT_EQ(connection->command({"GET", key}).str, std::to_string(i)) << key;
        used.insert(master->port);
    }
    EXPECT_EQ(used.size(), 3U);
    EXPECT_EQ(router.redirects_followed(), 0);

    const auto replies = router.pipeline({{"SET", "{p}a", "1"}, {"INCR", "{p}n"}, {"GET", "{p}a"}});
    ASSERT_EQ(replies.size(), 3U);
    EXPECT_EQ(replies[0].str, "OK");
    EXPECT_EQ(replies[1].integer, 1);
    EXPECT_EQ(replies[2].str, "1");
    for (const auto& pong : router.on_every_master({"PING"})) {
        EXPECT_EQ(pong.str, "PONG");
    }
}

TEST(ClusterRouter, RefusesACommandWithKeysOfTwoSlotsBeforeSending) {
    auto& cluster = test::RealCluster::shared();
    ClusterConnection router(cluster.seeds());
    const auto foo = test::unique_name("foo");
    const auto bar = test::unique_name("bar");
    ASSERT_NE(key_slot(foo), key_slot(bar));
    EXPECT_THROW(router.command({"MSET", foo, "1", bar, "1"}), RoutingError);
    // In a pipeline too, nothing of it is sent.
    EXPECT_THROW(router.pipeline({{"SET", "{t}x", "1"}, {"MSET", foo, "1", bar, "1"}}),
                 RoutingError);
    EXPECT_TRUE(router.command({"GET", foo}).is_nil());
    EXPECT_TRUE(router.command({"GET", "{t}x"}).is_nil());
    // With one hash tag the same keys share a slot and go through.
    EXPECT_EQ(router.command({"MSET", "{t}foo", "1", "{t}bar", "1"}).str, "OK");
}

// A pipeline of commands of several slots (the store's write: one call per partition) goes to
// each slot's master, replies in the order given; MULTI/EXEC stays with its slot's keys.
TEST(ClusterRouter, APipelineOfSeveralSlotsReachesEachMasterInOrder) {
    auto& cluster = test::RealCluster::shared();
    ClusterConnection router(cluster.seeds());
    std::vector<std::string> keys;
    std::set<std::string> masters;
    for (int i = 0; masters.size() < 3 && i < 1000; ++i) {
        const auto key = test::unique_name("spread") + "{" + std::to_string(i) + "}";
        if (masters.insert(router.master_of(key_slot(key))->to_string()).second) {
            keys.push_back(key);
        }
    }
    ASSERT_EQ(keys.size(), 3U);
    std::vector<redis::Command> commands;
    for (const auto& key : keys) {
        commands.push_back({"SET", key, "v-" + key});
    }
    commands.push_back({"MULTI"});
    commands.push_back({"INCR", keys[1]});  // not an integer: an error inside EXEC
    commands.push_back({"GET", keys[1]});
    commands.push_back({"EXEC"});
    for (const auto& key : keys) {
        commands.push_back({"GET", key});
    }
    const auto replies = router.pipeline(commands);
    ASSERT_EQ(replies.size(), commands.size());
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(replies[i].str, "OK");
        EXPECT_EQ(replies[7 + i].str, "v-" + keys[i]);
    }
    EXPECT_EQ(replies[3].str, "OK");
    EXPECT_EQ(replies[4].str, "QUEUED");
    ASSERT_EQ(replies[6].elements.size(), 2U);
    EXPECT_EQ(replies[6].elements[1].str, "v-" + keys[1]);
    // Another keyless command goes with the keyed one before it.
    const auto mixed = router.pipeline({{"SET", keys[0], "1"}, {"PING"}, {"SET", keys[1], "1"}});
    EXPECT_EQ(mixed[1].str, "PONG");
}

TEST(ClusterRouter, FollowsMovedWhenASlotChangesOwner) {
    auto& cluster = test::RealCluster::shared();
    ClusterConnection router(cluster.seeds());
    const std::string key = "moved{slot}";
    const auto slot = key_slot(key);
    const auto [from, to] = owner_and_other(router, slot);
    // The slot is empty: give it to `to` on every master, the last step of a reshard.
    for (const auto& master : router.masters()) {
        ASSERT_EQ(setslot(cluster, master.port, slot, "NODE", to.port), "OK");
    }
    const auto reads = router.slot_map_reads();
    EXPECT_EQ(router.command({"SET", key, "v"}).str, "OK");
    EXPECT_EQ(router.redirects_followed(), 1);
    EXPECT_EQ(router.master_of(slot), to);
    EXPECT_EQ(cluster.direct(to.port).command({"GET", key}).str, "v");
    // The next call reads the map again and goes straight to the new owner.
    EXPECT_EQ(router.command({"GET", key}).str, "v");
    EXPECT_EQ(router.redirects_followed(), 1);
    EXPECT_GT(router.slot_map_reads(), reads);
    EXPECT_EQ(router.master_of(slot), to);
}

TEST(ClusterRouter, FollowsAskWhileASlotMigratesThenMovedOnceItHas) {
    auto& cluster = test::RealCluster::shared();
    ClusterConnection router(cluster.seeds());
    const auto slot = key_slot("{mig}");
    const auto [from, to] = owner_and_other(router, slot);
    ASSERT_EQ(router.command({"SET", "{mig}old", "1"}).str, "OK");
    ASSERT_EQ(setslot(cluster, to.port, slot, "IMPORTING", from.port), "OK");
    ASSERT_EQ(setslot(cluster, from.port, slot, "MIGRATING", to.port), "OK");
    // A key the old owner does not hold goes to the importing node, with ASKING.
    EXPECT_EQ(router.command({"SET", "{mig}new", "2"}).str, "OK");
    EXPECT_EQ(router.redirects_followed(), 1);
    EXPECT_EQ(router.master_of(slot), from);  // ASK leaves the map as it is
    const auto on_to = cluster.direct(to.port).pipeline({{"ASKING"}, {"GET", "{mig}new"}});
    EXPECT_EQ(on_to[1].str, "2");
    // A key the old owner still holds is served there.
    EXPECT_EQ(router.command({"GET", "{mig}old"}).str, "1");
    EXPECT_EQ(router.redirects_followed(), 1);

    // The rest of a reshard: the key moved, the slot given to `to` on both; then a MOVED.
    const auto migrated = cluster.direct(from.port).command(
        {"MIGRATE", "127.0.0.1", std::to_string(to.port), "", "0", "5000", "KEYS", "{mig}old"});
    ASSERT_EQ(migrated.str, "OK");
    ASSERT_EQ(setslot(cluster, to.port, slot, "NODE", to.port), "OK");
    ASSERT_EQ(setslot(cluster, from.port, slot, "NODE", to.port), "OK");
    EXPECT_EQ(router.command({"GET", "{mig}old"}).str, "1");
    EXPECT_EQ(router.redirects_followed(), 2);
    EXPECT_EQ(router.master_of(slot), to);
}

TEST(ClusterRouter, StopsFollowingARedirectLoop) {
    auto& cluster = test::RealCluster::shared();
    ClusterConnection router(cluster.seeds());
    const std::string key = "loop{x}";
    const auto slot = key_slot(key);
    const auto [owner, other] = owner_and_other(router, slot);
    // The owner now says `other` serves the slot; `other` still says the owner does.
    ASSERT_EQ(setslot(cluster, owner.port, slot, "NODE", other.port), "OK");
    try {
        router.command({"SET", key, "v"});
        FAIL() << "no RedisError";
    } catch (const redis::RedisError& e) {
        EXPECT_NE(std::string(e.what()).find("still redirected"), std::string::npos) << e.what();
    }
    EXPECT_EQ(router.redirects_followed(), max_redirects);
}

}  // namespace
}  // namespace orderflow::redis_cluster
